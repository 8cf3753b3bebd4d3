"""Dates in the park's time zone and small helpers for the shop and member
space templates (money and VAT rates are built-in filters: core)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from comptoir.core.clock import format_date, format_datetime, local

register = template.Library()


@register.simple_tag
def icon(name: str, css_class: str = "") -> SafeString:
    """The SVG of `storefront/_icon.html`, rendered once per process for
    each name and class (a page of products shows the same few dozens of
    times); rendered every time while developing, so an edit shows."""
    if settings.DEBUG:
        return _render_icon(name, css_class)
    return _cached_icon(name, css_class)


def _render_icon(name: str, css_class: str) -> SafeString:
    html = render_to_string("storefront/_icon.html", {"name": name, "class": css_class})
    return mark_safe(html)  # noqa: S308  # our own template, escaped by it


# Names and classes come from the templates (product kinds among them): a
# few dozen pairs at most.
_cached_icon = lru_cache(maxsize=256)(_render_icon)


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
