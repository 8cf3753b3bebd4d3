"""Staff sign in and out; members have their own login in their space."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.views import LogoutView as DjangoLogoutView
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView

from ..forms.auth import StaffLoginForm


class LoginView(FormView):
    template_name = "backoffice/login.html"
    form_class = StaffLoginForm

    def dispatch(self, request, *args, **kwargs):
        if getattr(request.user, "is_staff_member", False):
            return redirect(self.success_url_for(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next")
        return context

    def form_valid(self, form):
        login(self.request, form.user)
        return redirect(self.success_url_for(self.request))

    @staticmethod
    def success_url_for(request) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if target.startswith("/backoffice/") and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return target
        return reverse("backoffice:dashboard")


class LogoutView(DjangoLogoutView):
    next_page = "backoffice:login"
