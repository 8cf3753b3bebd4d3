"""Dates in the park's time zone and small helpers for the shop and member
space templates (money and VAT rates are built-in filters: core)."""

from __future__ import annotations

import datetime as dt

from django import template

from comptoir.core.clock import format_date, format_datetime, local

register = template.Library()


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
