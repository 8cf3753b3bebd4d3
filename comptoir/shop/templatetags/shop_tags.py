"""Money, dates and small helpers for the shop and member space templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language

from comptoir.core.clock import format_date, format_datetime, local
from comptoir.core.money import format_money

register = template.Library()

NBSP = "\u00a0"


money = register.filter("money", format_money)


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
