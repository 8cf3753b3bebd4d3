"""The page a manager opens in the morning."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from comptoir.core.clock import DEFAULT_TIME_ZONE, business_date
from comptoir.sales.selectors import paid_sales_of, takings_of

from ..mixins import StaffRequiredMixin
from ..queries import open_alerts


class DashboardView(StaffRequiredMixin, TemplateView):
    template_name = "backoffice/dashboard.html"
    section = "dashboard"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        org_id = self.organization.pk
        park = self.organization.parks.first()
        time_zone = park.time_zone if park else DEFAULT_TIME_ZONE
        today = business_date(timezone.now(), time_zone)
        todays = paid_sales_of(org_id).filter(sale_date=today)
        takings = takings_of(org_id, today, time_zone)
        context.update(
            today=today,
            today_count=todays.count(),
            today_total=takings.net,
            today_refunded=takings.refunded,
            alerts=open_alerts(org_id)[:5],
            recent_sales=paid_sales_of(org_id).order_by("-paid_at", "-pk")[:8],
        )
        return context
