"""The booking slots a product offers, read on the park's wall clock.

A product with a `SlotSchedule` offers only the slots it defines; one
without keeps the historical calendar (one slot an hour, 10:00 to 19:00,
no capacity limit). Places taken are counted by the sales domain.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from comptoir.core.clock import business_date, local

from .models import Product, SlotSchedule

# The calendar of a booking product without a schedule.
DEFAULT_FIRST_SLOT = dt.time(10, 0)
DEFAULT_LAST_SLOT = dt.time(19, 0)
DEFAULT_SLOT_MINUTES = 60
BOOKABLE_DAYS = 180


def schedule_of(product: Product) -> SlotSchedule | None:
    try:
        return product.slot_schedule
    except SlotSchedule.DoesNotExist:
        return None


def slot_times(schedule: SlotSchedule | None) -> list[dt.time]:
    """Start times of the day's slots, every day alike."""
    if schedule is None:
        return [
            dt.time(hour, 0)
            for hour in range(DEFAULT_FIRST_SLOT.hour, DEFAULT_LAST_SLOT.hour + 1)
        ]
    day = dt.date(2000, 1, 3)  # any date: only the wall-clock times matter
    start = dt.datetime.combine(day, schedule.opens_at)
    end = dt.datetime.combine(day, schedule.closes_at)
    step = dt.timedelta(minutes=schedule.slot_minutes)
    times = []
    while start + step <= end:
        times.append(start.time())
        start += step
    return times


def slot_length(product: Product) -> dt.timedelta:
    schedule = schedule_of(product)
    if schedule is not None:
        return dt.timedelta(minutes=schedule.slot_minutes)
    return dt.timedelta(minutes=product.duration_minutes or DEFAULT_SLOT_MINUTES)


def slot_start(day: dt.date, time: dt.time, tz_name: str) -> dt.datetime:
    """The aware start of a slot, read on the park's wall clock."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(tz_name))


def first_bookable_day(tz_name: str) -> dt.date:
    return business_date(timezone.now(), tz_name)


def last_bookable_day(tz_name: str) -> dt.date:
    return first_bookable_day(tz_name) + dt.timedelta(days=BOOKABLE_DAYS)


def is_open_on(product: Product, day: dt.date) -> bool:
    """Whether the product takes bookings that day (weekday, closed days)."""
    schedule = schedule_of(product)
    if schedule is None:
        return True
    if not schedule.open_on_weekday(day.weekday()):
        return False
    return not product.closed_days.filter(day=day).exists()


def day_starts(product: Product, day: dt.date) -> list[dt.datetime]:
    """The aware starts of the product's slots on `day`; none when closed."""
    if not is_open_on(product, day):
        return []
    tz = product.park.time_zone
    return [slot_start(day, t, tz) for t in slot_times(schedule_of(product))]


def is_offered_slot(product: Product, start: dt.datetime) -> bool:
    """Whether `start` is one of the product's slots (any day, past or not)."""
    day = local(start, product.park.time_zone).date()
    return start in day_starts(product, day)


def capacity_of(product: Product) -> int | None:
    """Places per slot; None when the product sets no limit."""
    schedule = schedule_of(product)
    return schedule.capacity if schedule is not None else None
