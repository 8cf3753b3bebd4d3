"""The booking calendar the counter offers: each product's own slots
(`comptoir.catalog.slots`), the same the shop offers, in the park's time zone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product
from comptoir.catalog.slots import (
    first_bookable_day,
    is_offered_slot,
    last_bookable_day,
    schedule_of,
    slot_start,
    slot_times,
)
from comptoir.core.clock import business_date

__all__ = [
    "first_bookable_day",
    "last_bookable_day",
    "slot_choices",
    "slot_problem",
    "slot_start",
]


def slot_choices(product: Product) -> list[tuple[str, str]]:
    """The start times of the product's slots, as form choices."""
    return [
        (t.strftime("%H:%M"), t.strftime("%H:%M"))
        for t in slot_times(schedule_of(product))
    ]


def slot_problem(product: Product, start: dt.datetime, tz_name: str) -> str | None:
    """Why `product` cannot be booked at `start`, in French; None when it can."""
    day = business_date(start, tz_name)
    if day > last_bookable_day(tz_name):
        return _("Les réservations sont ouvertes six mois à l'avance.")
    if not is_offered_slot(product, start):
        return _(
            "Ce créneau n'est pas proposé ce jour-là : choisissez-en un dans la liste."
        )
    if start <= timezone.now():
        return _("Ce créneau est déjà passé : choisissez-en un autre.")
    return None
