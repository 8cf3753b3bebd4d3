"""Places of booking slots: how many are taken, and taking them safely.

A place is taken by a paid sale's booking line (less what was refunded), or
held by a basket waiting for its payment, for `HOLD` after the basket was
created: payment pages expire before that (the simulator's after an hour),
so a buyer never pays for a place someone else was given meanwhile.

Locking: the booking products of a basket are locked (`SELECT … FOR
UPDATE`, in primary-key order) before their places are counted, in the
transaction that creates the basket or records its payment. Two checkouts
of the same product therefore count one after the other; checkouts of
different products do not wait for each other. See docs/locking.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog.models import Product
from comptoir.catalog.slots import (
    capacity_of,
    day_starts,
    is_offered_slot,
    schedule_of,
)
from comptoir.core.clock import format_datetime

from .models import SaleLine, SaleStatus

HOLD = dt.timedelta(minutes=75)


class SlotUnavailable(Exception):
    """The chosen slot does not exist, is closed or has too few places."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _holding_lines(now: dt.datetime) -> QuerySet[SaleLine]:
    return SaleLine.objects.filter(
        Q(sale__status=SaleStatus.PAID)
        | Q(sale__status=SaleStatus.PENDING, sale__created_at__gt=now - HOLD)
    )


def places_taken(
    *,
    product: Product,
    starts_at: dt.datetime,
    now: dt.datetime | None = None,
    exclude_sale_id: int | None = None,
) -> int:
    """Places of a slot taken by paid sales or held by pending baskets."""
    lines = _holding_lines(now or timezone.now()).filter(
        product=product, booking_start=starts_at
    )
    if exclude_sale_id is not None:
        lines = lines.exclude(sale_id=exclude_sale_id)
    total = lines.aggregate(n=Sum(F("quantity") - F("refunded_quantity")))["n"]
    return total or 0


def remaining_places(*, product: Product, starts_at: dt.datetime) -> int | None:
    """Places still free in a slot; None when the product sets no limit,
    0 when the slot is not offered (closed day, wrong time)."""
    capacity = capacity_of(product)
    if capacity is None:
        return None
    if not is_offered_slot(product, starts_at):
        return 0
    return max(capacity - places_taken(product=product, starts_at=starts_at), 0)


@dataclass(frozen=True)
class SlotAvailability:
    starts_at: dt.datetime
    remaining: int | None  # None: no limit

    @property
    def is_full(self) -> bool:
        return self.remaining is not None and self.remaining <= 0


def day_availability(*, product: Product, day: dt.date) -> list[SlotAvailability]:
    """The product's slots on `day` with their free places, in one query."""
    starts = day_starts(product, day)
    capacity = capacity_of(product)
    if capacity is None or not starts:
        return [SlotAvailability(start, None) for start in starts]
    taken = dict(
        _holding_lines(timezone.now())
        .filter(product=product, booking_start__in=starts)
        .values_list("booking_start")
        .annotate(n=Sum(F("quantity") - F("refunded_quantity")))
    )
    return [
        SlotAvailability(start, max(capacity - (taken.get(start) or 0), 0))
        for start in starts
    ]


@dataclass(frozen=True)
class PlaceRequest:
    product: Product
    starts_at: dt.datetime | None
    quantity: int


def claim_places(
    requests: Iterable[PlaceRequest], *, exclude_sale_id: int | None = None
) -> None:
    """Check, under lock, that every requested slot has the places asked for.

    Must run inside the transaction that then writes the lines (or pays
    them): the product rows stay locked until it commits. Raises
    `SlotUnavailable` with a French message.
    """
    wanted: dict[tuple[int, dt.datetime | None], int] = defaultdict(int)
    products: dict[int, Product] = {}
    for request in requests:
        if request.product.is_booking and schedule_of(request.product) is not None:
            wanted[(request.product.pk, request.starts_at)] += request.quantity
            products[request.product.pk] = request.product
    if not wanted:
        return
    # Fixed order: two baskets with the same products never deadlock.
    list(
        Product.objects.select_for_update()
        .filter(pk__in=sorted(products))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for (product_id, starts_at), quantity in wanted.items():
        product = products[product_id]
        if starts_at is None:
            raise SlotUnavailable(
                _("Choisissez un créneau pour « %(name)s ».") % {"name": product.name}
            )
        when = format_datetime(starts_at, product.park.time_zone)
        if not is_offered_slot(product, starts_at):
            raise SlotUnavailable(
                _("« %(name)s » n'a pas de créneau le %(when)s.")
                % {"name": product.name, "when": when}
            )
        capacity = capacity_of(product) or 0
        taken = places_taken(
            product=product,
            starts_at=starts_at,
            now=now,
            exclude_sale_id=exclude_sale_id,
        )
        left = max(capacity - taken, 0)
        if quantity > left:
            raise SlotUnavailable(
                ngettext(
                    "Plus assez de places pour « %(name)s » le %(when)s : "
                    "%(left)d place restante.",
                    "Plus assez de places pour « %(name)s » le %(when)s : "
                    "%(left)d places restantes.",
                    left,
                )
                % {"name": product.name, "when": when, "left": left}
            )
