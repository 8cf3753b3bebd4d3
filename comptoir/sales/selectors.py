"""Reads of sales, scoped to an organization or a client."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum

from comptoir.core.prepared import PreparedQuery
from comptoir.customers.models import Client

from .models import (
    Booking,
    GiftVoucher,
    Payment,
    PaymentMethod,
    Sale,
    SaleLine,
    SaleStatus,
    Ticket,
)
from .vouchers import usable_vouchers_q, voucher_state


def sales_of(organization_id: int) -> QuerySet[Sale]:
    return Sale.objects.filter(organization_id=organization_id).select_related(
        "park", "client"
    )


def _paid_sale_ids(*, public_id: uuid.UUID) -> QuerySet[Sale, int]:
    return Sale.objects.filter(public_id=public_id, status=SaleStatus.PAID).values_list(
        "pk", flat=True
    )[:1]


# Asked by the first basket addition after every checkout (core.prepared).
_PAID_SALE_IDS = PreparedQuery[int](_paid_sale_ids)


def is_paid_sale(public_id: str) -> bool:
    """Whether the sale of this public id is paid (False for no such sale).

    Only for an id the application itself stored (the basket's cookie is
    signed): it says paid or not, nothing else about the sale.
    """
    try:
        key = uuid.UUID(public_id)
    except ValueError:
        return False
    return bool(_PAID_SALE_IDS.fetch(public_id=key))


def paid_sales_of(organization_id: int) -> QuerySet[Sale]:
    return sales_of(organization_id).filter(status=SaleStatus.PAID)


# What a member bought: bookings, tickets, gift vouchers — its own only.


def bookings_of(client: Client) -> QuerySet[Booking]:
    """The client's bookings, less those cancelled by a full refund."""
    return (
        Booking.objects.filter(
            client=client,
            cancelled_at__isnull=True,
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
    """Tickets not used, not refunded and still valid on `today`."""
    return tickets_of(client).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        used_at__isnull=True,
        voided_at__isnull=True,
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


def vouchers_with_state(client: Client, today: dt.date) -> list[GiftVoucher]:
    """The client's vouchers, each with `state` (`voucher_state` on `today`)."""
    vouchers = list(vouchers_of(client))
    for voucher in vouchers:
        voucher.state = voucher_state(voucher, on=today)  # type: ignore[attr-defined]  # shown, not stored
    return vouchers


def spendable_vouchers(organization_id: int, today: dt.date) -> QuerySet[GiftVoucher]:
    """Gift vouchers that may still pay for something on `today`: paid for,
    not refunded, with a balance, not expired."""
    return GiftVoucher.objects.filter(
        usable_vouchers_q(on=today),
        organization_id=organization_id,
        sale_line__sale__status=SaleStatus.PAID,
    )


def entitlements_of(sale: Sale) -> dict:
    """What a sale entitles to, with what refunds voided: its tickets,
    gift vouchers and bookings."""
    return {
        "tickets": list(
            Ticket.objects.filter(sale_line__sale=sale)
            .select_related("sale_line")
            .order_by("pk")
        ),
        "vouchers": list(
            GiftVoucher.objects.filter(sale_line__sale=sale)
            .select_related("sale_line")
            .order_by("pk")
        ),
        "bookings": list(
            Booking.objects.filter(sale_line__sale=sale)
            .select_related("sale_line")
            .order_by("starts_at", "pk")
        ),
    }


def was_sold(product_id: int) -> bool:
    """Whether any sale line (even of a basket not paid) names the product."""
    return SaleLine.objects.filter(product_id=product_id).exists()


def bookings_on(product_id: int, starts: list[dt.datetime]) -> QuerySet[Booking]:
    """Paid, not cancelled bookings of a product starting at one of `starts`."""
    return Booking.objects.filter(
        sale_line__product_id=product_id,
        sale_line__sale__status=SaleStatus.PAID,
        cancelled_at__isnull=True,
        starts_at__in=starts,
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
