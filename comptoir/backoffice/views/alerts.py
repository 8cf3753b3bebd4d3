"""Alerts: what the operator must act on, and what was done about it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from comptoir.customers.selectors import missing_invoice_fields

from ..mixins import StaffRequiredMixin
from ..queries import closed_alerts, open_alerts

ALERTS_PER_PAGE = 30


class AlertListView(StaffRequiredMixin, TemplateView):
    """Open alerts (each with what is missing *now*), or the closed history."""

    template_name = "backoffice/alerts/list.html"
    section = "alerts"

    def get_context_data(self, **kwargs):
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
