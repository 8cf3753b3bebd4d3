"""What the member bought: bookings, tickets (and their PDF), gift vouchers."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import (
    content_disposition_header,
)
from django.views import View
from django.views.generic import TemplateView

from comptoir.sales.selectors import (
    bookings_of,
    tickets_of,
    vouchers_with_state,
)

from ..mixins import MemberMixin
from ..tickets import ticket_pdf


class BookingsView(MemberMixin, TemplateView):
    menu = "bookings"
    template_name = "members/bookings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        bookings = bookings_of(self.client)
        context.update(
            upcoming=list(bookings.filter(ends_at__gte=now)),
            past=list(bookings.filter(ends_at__lt=now).reverse()[:20]),
        )
        return context


class TicketsView(MemberMixin, TemplateView):
    menu = "tickets"
    template_name = "members/tickets.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(tickets=list(tickets_of(self.client)), today=self.today())
        return context


class TicketDownloadView(MemberMixin, View):
    def get(
        self, request: HttpRequest, org_slug: str, public_id: uuid.UUID
    ) -> HttpResponse:
        ticket = get_object_or_404(tickets_of(self.client), public_id=public_id)
        response = HttpResponse(ticket_pdf(ticket), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"billet-{ticket.code}.pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response


class VouchersView(MemberMixin, TemplateView):
    menu = "vouchers"
    template_name = "members/vouchers.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = self.today()
        context.update(vouchers=vouchers_with_state(self.client, today), today=today)
        return context
