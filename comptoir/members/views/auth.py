"""Member login and logout."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import (
    url_has_allowed_host_and_scheme,
)
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from comptoir.customers.services import remember_language
from comptoir.storefront.mixins import ShopMixin

from ..forms import MemberLoginForm


class LoginView(ShopMixin, FormView):
    template_name = "members/login.html"
    form_class = MemberLoginForm

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if self.client is not None:
            return redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(request=self.request, organization=self.organization)
        return kwargs

    def get_success_url(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next")
        prefix = f"/{self.organization.slug}/"
        if (
            target
            and target.startswith(prefix)
            and url_has_allowed_host_and_scheme(
                target,
                allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure(),
            )
        ):
            return target
        return reverse("members:home", kwargs={"org_slug": self.organization.slug})

    def form_valid(self, form: MemberLoginForm) -> HttpResponse:
        auth_login(self.request, form.user)
        client = getattr(form.user, "client", None)
        if client is not None:
            remember_language(client=client, language=get_language())
        return redirect(self.get_success_url())

    def form_invalid(self, form: MemberLoginForm) -> HttpResponse:
        if form.locked_out:
            # The page says it in French; django-axes' middleware would
            # otherwise replace it with its own English text.
            self.request.axes_locked_out = False  # type: ignore[attr-defined]  # axes' flag
            return self.render_to_response(
                self.get_context_data(form=form, locked_out=True), status=429
            )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get(
            "next", ""
        )
        return context


class LogoutView(ShopMixin, View):
    def post(self, request: HttpRequest, org_slug: str) -> HttpResponse:
        auth_logout(request)
        # The next person at this computer starts with an empty basket.
        self.cart.clear()
        messages.success(request, _("Vous êtes déconnecté. À bientôt !"))
        return redirect("shop:home", org_slug=org_slug)
