"""Who may open a back-office page: staff of one organization, by role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.generic.base import ContextMixin

from comptoir.organizations.models import Organization


class StaffRequiredMixin(LoginRequiredMixin, ContextMixin):
    """Staff of an organization; every query below is scoped to it.

    Anonymous visitors go to the back-office login; members and platform
    administrators get a plain refusal. Set `manager_only` for pages a
    cashier may not open (group settings, exports, refunds).
    """

    manager_only = False
    section = ""
    organization: Organization
    # Set by View.setup(); declared for the views and mixins built on this one.
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return self.handle_no_permission()
        if not getattr(user, "is_staff_member", False):
            return forbidden(request)
        if self.manager_only and not user.is_manager:
            return forbidden(request, section=self.section)
        # A staff member always belongs to an organization (is_staff_member).
        assert user.organization is not None
        self.organization = user.organization
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("section", self.section)
        return context


class ManagerRequiredMixin(StaffRequiredMixin):
    """Pages for managers only."""

    manager_only = True


def forbidden(request: HttpRequest, section: str = "") -> HttpResponse:
    return render(
        request, "backoffice/forbidden.html", {"section": section}, status=403
    )
