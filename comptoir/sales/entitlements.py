"""What a refund takes back: the tickets, places and vouchers it paid for.

A refund of n units of a line voids exactly n of what the line entitled
to: n tickets (unused ones first), n places of its booking, n vouchers
(untouched ones first). A voided ticket admits no one, a voided voucher
has a zero balance for good, and the places go back to the slot (the
places count reads `refunded_quantity`, see places.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from comptoir.catalog.models import ADMISSION_KINDS, ProductKind

from .models import Booking, GiftVoucher, SaleLine, Ticket


def void_refunded_units(*, line: SaleLine, quantity: int, at: dt.datetime) -> int:
    """Void `quantity` units of what `line` entitled to; returns how many."""
    if quantity <= 0:
        return 0
    if line.product_kind in ADMISSION_KINDS:
        tickets = (
            Ticket.objects.select_for_update()
            .filter(sale_line=line, voided_at__isnull=True)
            .order_by(F("used_at").asc(nulls_first=True), "pk")
        )
        ids = list(tickets.values_list("pk", flat=True)[:quantity])
        return Ticket.objects.filter(pk__in=ids).update(voided_at=at)
    if line.product_kind == ProductKind.GIFT_VOUCHER:
        vouchers = (
            GiftVoucher.objects.select_for_update()
            .filter(sale_line=line, voided_at__isnull=True)
            .order_by(F("balance").desc(), "pk")
        )
        ids = list(vouchers.values_list("pk", flat=True)[:quantity])
        return GiftVoucher.objects.filter(pk__in=ids).update(voided_at=at, balance=0)
    if line.product_kind == ProductKind.BOOKING:
        voided = 0
        for booking in Booking.objects.select_for_update().filter(
            sale_line=line, cancelled_at__isnull=True
        ):
            taken = min(booking.participants, quantity - voided)
            booking.participants -= taken
            if booking.participants == 0:
                booking.cancelled_at = at
            booking.save(update_fields=["participants", "cancelled_at"])
            voided += taken
            if voided == quantity:
                break
        return voided
    return 0
