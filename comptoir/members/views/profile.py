"""The member's profile: contact and company data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from comptoir.customers.forms import COMPANY_FIELDS, CONTACT_FIELDS
from comptoir.customers.selectors import (
    field_labels,
    missing_invoice_fields,
    required_invoice_fields,
)
from comptoir.customers.services import save_client

from ..forms import MemberProfileForm
from ..mixins import MemberMixin


class ProfileView(MemberMixin, FormView):
    menu = "profile"
    template_name = "members/profile.html"
    form_class = MemberProfileForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.client
        return kwargs

    def form_valid(self, form: MemberProfileForm) -> HttpResponse:
        save_client(
            client=form.instance,
            values=form.record_values(),
            actor=self.request.user,
            organization=self.organization,
        )
        messages.success(self.request, _("Votre profil a été enregistré."))
        return redirect("members:profile", org_slug=self.organization.slug)

    def form_invalid(self, form: MemberProfileForm) -> HttpResponse:
        messages.error(
            self.request,
            _("Votre profil n'a pas été enregistré : corrigez les erreurs."),
        )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            contact_fields=[form[name] for name in CONTACT_FIELDS],
            company_fields=[form[name] for name in COMPANY_FIELDS],
            missing_labels=field_labels(missing_invoice_fields(self.client, self.park)),
            required_fields=list(required_invoice_fields(self.park)),
            groups=list(self.client.groups.all()),
        )
        return context
