"""Alerts: what the operator must act on, and what was done about it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from comptoir.alerts.models import AlertKind
from comptoir.alerts.selectors import alerts_of
from comptoir.alerts.services import close_alert
from comptoir.customers.selectors import missing_invoice_fields

from ..mixins import ManagerRequiredMixin, StaffRequiredMixin
from ..queries import closed_alerts, open_alerts
from .clients import safe_next

ALERTS_PER_PAGE = 30


class AlertListView(StaffRequiredMixin, TemplateView):
    """Open alerts (each with what is missing *now*), or the closed history."""

    template_name = "backoffice/alerts/list.html"
    section = "alerts"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        closed = self.request.GET.get("etat") == "fermees"
        org_id = self.organization.pk
        alerts = closed_alerts(org_id) if closed else open_alerts(org_id)
        page = Paginator(alerts, ALERTS_PER_PAGE).get_page(self.request.GET.get("page"))
        rows = []
        for alert in page:
            missing_now = (
                missing_invoice_fields(alert.client, alert.park)
                if alert.client and not closed
                else []
            )
            rows.append((alert, missing_now))
        context.update(
            closed=closed,
            page=page,
            rows=rows,
            open_count=open_alerts(org_id).count(),
            closed_count=closed_alerts(org_id).count(),
        )
        return context


class AlertCloseView(ManagerRequiredMixin, View):
    """A manager says a payment alert is handled (e.g. the money was given
    back in the provider's dashboard). Invoice alerts close by invoicing."""

    section = "alerts"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = get_object_or_404(
            alerts_of(self.organization.pk).exclude(
                kind=AlertKind.INVOICE_NOT_GENERATED
            ),
            pk=pk,
        )
        reason = (request.POST.get("reason") or "").strip()[:200] or _("Traitée")
        if close_alert(alert=alert, closed_by=request.user, reason=reason):
            messages.success(request, _("Alerte marquée comme traitée."))
        back = safe_next(request)
        if back:
            return redirect(back)
        return redirect("backoffice:alerts")
