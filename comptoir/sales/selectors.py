"""Reads of sales, scoped to an organization or a client."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum

from comptoir.customers.models import Client

from .models import (
    Booking,
    GiftVoucher,
    Payment,
    PaymentMethod,
    Sale,
    SaleStatus,
    Ticket,
)


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


@dataclass(frozen=True)
class Takings:
    """Money taken in over a business day, refunds given back deducted."""

    received: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.received - self.refunded


def takings_of(organization_id: int, day: dt.date, time_zone: str) -> Takings:
    """Payments received and refunds given on `day` at the park's clock.

    A refund counts on the day it is given, whatever the day of the sale.
    Paying with a gift voucher brings no money in (the voucher's own sale
    did), so voucher redemptions are left out both ways.
    """
    zone = ZoneInfo(time_zone)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    totals = (
        Payment.objects.filter(
            sale__organization_id=organization_id,
            received_at__gte=start,
            received_at__lt=end,
        )
        .exclude(method=PaymentMethod.GIFT_VOUCHER)
        .aggregate(
            received=Sum("amount", filter=Q(amount__gt=0)),
            refunded=Sum("amount", filter=Q(amount__lt=0)),
        )
    )
    return Takings(
        received=totals["received"] or Decimal("0.00"),
        refunded=-(totals["refunded"] or Decimal("0.00")),
    )
