"""French number, money, rate and date formats for the printed document."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
CENT = Decimal("0.01")


def _group(digits: str) -> str:
    """Thousands separated by non-breaking spaces: 1 234 567."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(parts)


def number(value: Decimal, places: int = 2) -> str:
    """1 234,56 — fixed decimals, French separators."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{places}f}"
    units, _, decimals = text.partition(".")
    return sign + _group(units) + ("," + decimals if decimals else "")


def money(value: Decimal) -> str:
    """1 234,56 € with non-breaking spaces, as French invoices print it."""
    return number(value, 2) + NBSP + "€"


def unit_price(value: Decimal) -> str:
    """Two decimals, or up to four when the price excl. VAT needs them."""
    places = 2
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > 2:
        places = min(-exponent, 4)
    return number(value, places) + NBSP + "€"


def quantity(value: Decimal) -> str:
    """Quantity without trailing zeros: 3, 2,5."""
    normalized = value.normalize()
    exponent = normalized.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number(value, places)


def rate(value: Decimal) -> str:
    """VAT rate in percent: 20 %, 5,5 %, 2,1 %."""
    return quantity(value) + NBSP + "%"


def date(value: datetime.date) -> str:
    """05/03/2024."""
    return value.strftime("%d/%m/%Y")
