"""Reads of sales, scoped to an organization or a client."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from comptoir.customers.models import Client

from .models import Booking, GiftVoucher, Sale, SaleStatus, Ticket


def sales_of(organization_id: int) -> QuerySet[Sale]:
    return Sale.objects.filter(organization_id=organization_id).select_related(
        "park", "client"
    )


def paid_sales_of(organization_id: int) -> QuerySet[Sale]:
    return sales_of(organization_id).filter(status=SaleStatus.PAID)


# What a member bought: bookings, tickets, gift vouchers — its own only.


def bookings_of(client: Client) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(
            client=client,
            sale_line__sale__organization_id=client.organization_id,
            sale_line__sale__status=SaleStatus.PAID,
        )
        .select_related("sale_line__sale__park")
        .order_by("starts_at", "pk")
    )


def tickets_of(client: Client) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(
            client=client,
            sale_line__sale__organization_id=client.organization_id,
            sale_line__sale__status=SaleStatus.PAID,
        )
        .select_related("sale_line__sale__park")
        .order_by("-sale_line__sale__paid_at", "-pk")
    )


def usable_tickets_of(client: Client, today: dt.date) -> QuerySet[Ticket]:
    """Tickets not used yet and still valid on `today`."""
    return tickets_of(client).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), used_at__isnull=True
    )


def vouchers_of(client: Client) -> QuerySet[GiftVoucher]:
    return (
        GiftVoucher.objects.filter(
            client=client,
            organization_id=client.organization_id,
            sale_line__sale__status=SaleStatus.PAID,
        )
        .select_related("sale_line__sale__park")
        .order_by("-sale_line__sale__paid_at", "-pk")
    )
