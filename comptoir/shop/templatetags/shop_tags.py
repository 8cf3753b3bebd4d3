"""Money, dates and small helpers for the shop and member space templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language

from comptoir.core.clock import format_date, format_datetime, local

register = template.Library()

NBSP = "\u00a0"


@register.filter
def money(value: Decimal | int | None) -> str:
    """50,00 € in French, €50.00 in English."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    text = formats.number_format(
        abs(amount), 2, use_l10n=True, force_grouping=True
    ).replace(" ", NBSP)
    sign = "-" if amount < 0 else ""
    if (get_language() or "fr").startswith("en"):
        return f"{sign}€{text}"
    return f"{sign}{text}{NBSP}€"


@register.filter
def vat_rate(value: Decimal | str | None) -> str:
    """20 %, 5,5 % — or the "no VAT" mention for multi-purpose vouchers."""
    if value in (None, ""):
        return ""
    rate = Decimal(value).normalize()
    places = max(0, -rate.as_tuple().exponent)  # type: ignore[operator]
    text = formats.number_format(rate, places, use_l10n=True)
    if (get_language() or "fr").startswith("en"):
        return f"{text}%"
    return f"{text}{NBSP}%"


@register.simple_tag
def park_datetime(moment: dt.datetime | None, tz_name: str) -> str:
    """05/03/2024 18:23 in the park's time zone."""
    return format_datetime(moment, tz_name)


@register.simple_tag
def park_time(moment: dt.datetime | None, tz_name: str) -> str:
    return local(moment, tz_name).strftime("%H:%M") if moment else ""


@register.simple_tag
def park_date(moment: dt.datetime | None, tz_name: str) -> dt.date | None:
    return local(moment, tz_name).date() if moment else None


@register.filter
def short_date(day: dt.date | None) -> str:
    """05/03/2024."""
    return format_date(day)
