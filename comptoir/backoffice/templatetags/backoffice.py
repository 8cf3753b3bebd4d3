"""Formatting and navigation helpers of the back-office templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from comptoir.alerts.selectors import open_alert_count
from comptoir.core.clock import DEFAULT_TIME_ZONE, format_date, format_datetime
from comptoir.core.money import format_rate
from comptoir.customers.selectors import field_labels
from comptoir.invoicing.models import Invoice

register = template.Library()


@register.simple_tag(takes_context=True)
def open_alerts(context: template.Context) -> int:
    """Open alerts of the signed-in staff member's organization (nav badge)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(user, "is_staff_member", False):
        return 0
    assert user is not None  # None has no is_staff_member
    return open_alert_count(user.organization_id)


@register.filter
def rate(value: Decimal | str | None) -> str:
    """20 %, 5,5 %, or "hors champ" for a multi-purpose voucher."""
    if value in (None, ""):
        return _("hors champ")
    return format_rate(value)


@register.filter
def local_dt(value: dt.datetime | None, tz_name: str = DEFAULT_TIME_ZONE) -> str:
    """05/03/2024 18:23 in the park's time zone."""
    return format_datetime(value, tz_name or DEFAULT_TIME_ZONE)


@register.filter
def day(value: dt.date | None) -> str:
    return format_date(value)


@register.filter
def labels(fields: Iterable[str] | None) -> str:
    """Missing field names as the operator reads them."""
    return ", ".join(field_labels(list(fields or [])))


@register.filter
def signed(document: Invoice, name: str) -> Decimal:
    """A document amount, negative on a credit note."""
    return document.sign * getattr(document, name)
