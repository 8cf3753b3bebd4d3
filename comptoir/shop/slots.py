"""The booking calendar the shop offers: the sales domain's, shared with the counter."""

from comptoir.sales.slots import (  # noqa: F401
    BOOKABLE_DAYS,
    FIRST_SLOT,
    LAST_SLOT,
    first_bookable_day,
    last_bookable_day,
    slot_choices,
    slot_start,
    slot_times,
)
