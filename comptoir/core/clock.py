"""Business time: stored in UTC, read in the park's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

# A park's time zone unless set otherwise, and the one used where no park is
# known. (settings.TIME_ZONE says the same for Django itself; settings do not
# import application code.)
DEFAULT_TIME_ZONE = "Europe/Paris"


def local(moment: dt.datetime, tz_name: str) -> dt.datetime:
    """`moment` seen from the given time zone."""
    return timezone.localtime(moment, ZoneInfo(tz_name))


def business_date(moment: dt.datetime, tz_name: str) -> dt.date:
    """The calendar date of `moment` in the park's time zone (not UTC's)."""
    return local(moment, tz_name).date()


def format_datetime(moment: dt.datetime | None, tz_name: str) -> str:
    """`05/03/2024 18:23`, the way the product note writes dates and times."""
    if moment is None:
        return ""
    return local(moment, tz_name).strftime("%d/%m/%Y %H:%M")


def format_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
