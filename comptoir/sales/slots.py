"""Time slots offered for activity bookings, in the park's time zone.

One calendar for the shop and the counter.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.core.clock import business_date

# Opening hours of the booking calendar: one slot every hour.
FIRST_SLOT = dt.time(10, 0)
LAST_SLOT = dt.time(19, 0)
BOOKABLE_DAYS = 180


def slot_times() -> list[dt.time]:
    times, hour = [], FIRST_SLOT.hour
    while hour <= LAST_SLOT.hour:
        times.append(dt.time(hour, 0))
        hour += 1
    return times


def slot_choices() -> list[tuple[str, str]]:
    return [(t.strftime("%H:%M"), t.strftime("%H:%M")) for t in slot_times()]


def first_bookable_day(tz_name: str) -> dt.date:
    return business_date(timezone.now(), tz_name)


def last_bookable_day(tz_name: str) -> dt.date:
    return first_bookable_day(tz_name) + dt.timedelta(days=BOOKABLE_DAYS)


def slot_start(day: dt.date, time: dt.time, tz_name: str) -> dt.datetime:
    """The aware start of a slot, read on the park's wall clock."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(tz_name))


def slot_problem(start: dt.datetime, tz_name: str) -> str | None:
    """Why a booking cannot start at `start`, in French; None when it can."""
    day = business_date(start, tz_name)
    if day > last_bookable_day(tz_name):
        return _("Les réservations sont ouvertes six mois à l'avance.")
    if local_time(start, tz_name) not in slot_times():
        return _("Ce créneau n'existe pas : choisissez-en un dans la liste.")
    if start <= timezone.now():
        return _("Ce créneau est déjà passé : choisissez-en un autre.")
    return None


def local_time(start: dt.datetime, tz_name: str) -> dt.time:
    return start.astimezone(ZoneInfo(tz_name)).time().replace(tzinfo=None)
