"""Client records: search, the record form, the member-space invitation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.customers.models import Client
from comptoir.customers.selectors import (
    clients_of,
    is_online_invoice_eligible,
    missing_record_fields,
    required_invoice_fields,
)
from comptoir.customers.services import (
    InvitationNotSent,
    LoginTaken,
    invite_member,
    save_client,
)

from ..forms.clients import BackofficeClientForm, ClientFilterForm
from ..history import entries
from ..mixins import StaffRequiredMixin
from ..queries import (
    documents_of_client,
    filter_clients,
    open_alerts,
    sales_of_client,
)

CLIENTS_PER_PAGE = 50


def safe_next(request) -> str:
    """A back-office address to return to after saving, when one was given."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/backoffice/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return ""


class ClientListView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/clients/list.html"
    section = "clients"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ClientFilterForm(
            self.request.GET or None, organization=self.organization
        )
        data = form.cleaned_data if form.is_valid() else {}
        clients = filter_clients(self.organization.pk, data)
        page = Paginator(clients, CLIENTS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            form=form,
            page=page,
            rows=[(client, missing_record_fields(client)) for client in page],
            total=page.paginator.count,
        )
        return context


class ClientFormMixin(StaffRequiredMixin):
    section = "clients"

    def make_form(self, client, data=None):
        park = client.initial_park if client.pk else self.organization.parks.first()
        return BackofficeClientForm(
            data,
            instance=client,
            organization=self.organization,
            can_edit_groups=self.request.user.is_manager,
            invoice_fields=required_invoice_fields(park),
        )


class ClientCreateView(ClientFormMixin, TemplateView):
    template_name = "backoffice/clients/create.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.make_form(self._new_client()))
        context["next"] = safe_next(self.request)
        return context

    def _new_client(self):
        return Client(organization=self.organization)

    def post(self, request):
        form = self.make_form(self._new_client(), request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        client = save_client(
            client=form.instance,
            values=form.record_values(),
            groups=form.cleaned_data.get("groups"),
            actor=request.user,
            organization=self.organization,
        )
        messages.success(
            request, _("Fiche de %(name)s créée.") % {"name": client.display_name}
        )
        return redirect(
            safe_next(request) or reverse("backoffice:client", kwargs={"pk": client.pk})
        )


class ClientDetailView(ClientFormMixin, TemplateView):
    """The record form, what it still lacks for invoices, its sales and history."""

    template_name = "backoffice/clients/detail.html"

    def get_client(self):
        return get_object_or_404(
            clients_of(self.organization.pk).select_related("initial_park", "user"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        client = kwargs.get("client") or self.get_client()
        context.update(
            client=client,
            form=kwargs.get("form") or self.make_form(client),
            missing=missing_record_fields(client),
            groups=client.groups.all(),
            eligible=is_online_invoice_eligible(client),
            sales=sales_of_client(client)[:10],
            documents=documents_of_client(client)[:10],
            alerts=open_alerts(self.organization.pk).filter(client=client),
            history=entries(client),
            next=safe_next(self.request),
        )
        return context

    def post(self, request, pk):
        client = self.get_client()
        form = self.make_form(client, request.POST)
        if not form.is_valid():
            messages.error(
                request,
                _("La fiche n'est pas enregistrée : corrigez les champs signalés."),
            )
            # Validation copied the refused values onto `client`: what the
            # page says about the record comes from the stored one.
            return self.render_to_response(
                self.get_context_data(client=self.get_client(), form=form, unsaved=True)
            )
        client = save_client(
            client=form.instance,
            values=form.record_values(),
            groups=form.cleaned_data.get("groups"),
            actor=request.user,
            organization=self.organization,
        )
        missing = missing_record_fields(client)
        if missing:
            messages.success(request, _("Fiche enregistrée."))
        else:
            messages.success(
                request, _("Fiche enregistrée : elle est complète pour la facturation.")
            )
        return redirect(
            safe_next(request) or reverse("backoffice:client", kwargs={"pk": client.pk})
        )


class ClientInviteView(StaffRequiredMixin, View):
    """Mail the client a link to choose a password for the member space."""

    def post(self, request, pk):
        client = get_object_or_404(clients_of(self.organization.pk), pk=pk)
        if not client.email:
            messages.error(
                request,
                _("Ajoutez d'abord l'adresse email du client pour l'inviter."),
            )
        else:
            try:
                invite_member(
                    client=client,
                    actor=request.user,
                    # The site customers know, not the host staff came by.
                    base_url=settings.SITE_URL,
                )
            except LoginTaken as exc:
                messages.error(request, str(exc))
                return redirect("backoffice:client", pk=client.pk)
            except InvitationNotSent as exc:
                messages.error(request, exc.message)
                return redirect("backoffice:client", pk=client.pk)
            messages.success(
                request,
                _("Invitation à l'espace membre envoyée à %(email)s.")
                % {"email": client.email},
            )
        return redirect("backoffice:client", pk=client.pk)
