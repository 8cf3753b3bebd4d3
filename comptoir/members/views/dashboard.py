"""The member space's home."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.views.generic import TemplateView

from comptoir.customers.selectors import (
    field_labels,
    missing_invoice_fields,
)
from comptoir.invoicing.selectors import (
    invoice_request_states,
    invoices_in_progress,
    invoices_of_client,
)
from comptoir.sales.selectors import (
    bookings_of,
    usable_tickets_of,
    vouchers_of,
)
from comptoir.sales.vouchers import usable_vouchers_q

from ..mixins import MemberMixin


class HomeView(MemberMixin, TemplateView):
    template_name = "members/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = self.today()
        client = self.client
        context.update(
            groups=list(client.groups.all()),
            upcoming_bookings=list(bookings_of(client).filter(starts_at__gte=now)[:3]),
            tickets_count=usable_tickets_of(client, today).count(),
            vouchers_count=vouchers_of(client)
            .filter(usable_vouchers_q(on=today))
            .count(),
            latest_invoices=(
                list(invoices_of_client(client).defer("snapshot")[:3])
                if self.is_eligible
                else []
            ),
            missing_labels=(
                field_labels(missing_invoice_fields(client, self.park))
                if self.is_eligible
                else []
            ),
            in_progress=invoices_in_progress(client) if self.is_eligible else [],
            # Without online invoices: the latest purchases, to ask for one.
            purchases=[] if self.is_eligible else invoice_request_states(client),
        )
        return context
