"""Money arithmetic: Decimal euros, two places, half-up, and exact allocation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"


def _grouped(value: Decimal, thousands: str, decimal: str) -> str:
    text = f"{abs(value):,.2f}"
    units, decimals = text.split(".")
    sign = "-" if value < 0 else ""
    return sign + units.replace(",", thousands) + decimal + decimals


def format_money(value: Decimal | int | str | None) -> str:
    """An amount as screens show it: 50,00 € in French, €50.00 in English.

    The one `money` template filter of every front end; documents print
    theirs with `invoicing.rendering.formatting.money` (always French).
    """
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if (get_language() or "fr").startswith("en"):
        return ("-" if value < 0 else "") + "€" + _grouped(abs(value), ",", ".")
    return _grouped(value, NBSP, ",") + NBSP + "€"


def format_rate(value: Decimal | str | None) -> str:
    """A VAT rate as screens show it: 20 %, 5,5 % in French; 20%, 5.5% in
    English; empty without a rate (a multi-purpose voucher: each screen says
    why in its own words).

    The one `vat_rate` template filter of every front end."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value).normalize():f}"
    if (get_language() or "fr").startswith("en"):
        return text + "%"
    return text.replace(".", ",") + NBSP + "%"


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half-up, as French invoices are rounded."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def excl_from_incl(incl: Decimal, rate: Decimal | None) -> Decimal:
    """Amount excluding VAT from an amount including it; rate in percent."""
    if not rate:
        return round_money(incl)
    return round_money(Decimal(incl) / (1 + Decimal(rate) / 100))


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights` so the parts add up exactly.

    Largest-remainder method: every part is rounded down to the cent, then
    the missing cents go to the parts with the largest remainders (ties to
    the first), so no cent is created or lost.
    """
    total = round_money(total)
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum == 0:
        parts = [ZERO] * len(weights)
        parts[0] = total
        return parts
    sign = -1 if total < 0 else 1
    cents = int(abs(total) / CENT)
    raw = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(r) for r in raw]
    remainder = cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:remainder]:
        floors[i] += 1
    return [sign * Decimal(f) * CENT for f in floors]
