"""Document totals from prices entered including VAT.

Per VAT rate: excl. = round(incl. / (1 + rate)), VAT = incl. − excl.; the
excl. amount of each rate is then allocated over its lines in proportion to
their incl. amounts, so lines add up exactly to the per-rate totals and the
document total equals what was paid, to the cent.

The unit price excl. VAT of a line is the product's own price, not derived
from the rounded line amount: the same product at the same price shows the
same unit price on every document (docs/rounding.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from comptoir.core.money import ZERO, allocate, excl_from_incl, round_money

# BT-146 may carry more decimals than amounts; four are enough to rebuild
# any price incl. VAT to the cent at the French rates.
UNIT_PRICE_PLACES = Decimal("0.0001")

STANDARD = "S"
OUTSIDE_SCOPE = "O"


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price_incl: Decimal
    vat_rate: Decimal | None  # percent; None: outside the scope of VAT


@dataclass(frozen=True)
class LineTotals:
    total_incl: Decimal
    total_excl: Decimal
    total_vat: Decimal
    unit_price_excl: Decimal
    vat_category: str


@dataclass(frozen=True)
class RateTotals:
    vat_rate: Decimal | None
    vat_category: str
    base: Decimal
    vat: Decimal
    total_incl: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    lines: list[LineTotals]
    breakdown: list[RateTotals]
    excl: Decimal
    vat: Decimal
    incl: Decimal


def category_of(vat_rate: Decimal | None) -> str:
    return OUTSIDE_SCOPE if vat_rate is None else STANDARD


def unit_price_excl(unit_price_incl: Decimal, vat_rate: Decimal | None) -> Decimal:
    """The price excl. VAT of one unit, to four decimals, half-up.

    A function of the unit price and rate only, so one product at one price
    always shows the same figure: 26.00 € at 20 % is 21.6667 € everywhere.
    Two decimals when that is exact (25.00, not 25.0000).
    """
    price = Decimal(unit_price_incl)
    if vat_rate is not None and vat_rate:
        price = price / (1 + Decimal(vat_rate) / 100)
    exact = price.quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_UP)
    if exact == exact.quantize(Decimal("0.01")):
        return exact.quantize(Decimal("0.01"))
    return exact.normalize()


def compute_totals(
    lines: Sequence[LineInput],
    excl_by_rate: dict[Decimal | None, Decimal] | None = None,
) -> DocumentTotals:
    """Amounts of every line, every VAT rate and the whole document.

    `excl_by_rate` imposes the excl. amount of some rates: the last credit
    note of an invoice takes what is left, so the documents cancel exactly.
    """
    incls = [round_money(line.quantity * line.unit_price_incl) for line in lines]
    by_rate: dict[Decimal | None, list[int]] = {}
    for index, line in enumerate(lines):
        key = None if line.vat_rate is None else Decimal(line.vat_rate)
        by_rate.setdefault(key, []).append(index)

    excls: list[Decimal] = [ZERO] * len(lines)
    breakdown: list[RateTotals] = []
    # Highest rate first, outside-the-scope last: the order the PDF prints.
    for rate in sorted(by_rate, key=lambda r: (r is None, -(r or 0))):
        indexes = by_rate[rate]
        incl = sum((incls[i] for i in indexes), ZERO)
        excl = excl_from_incl(incl, rate)
        if excl_by_rate and rate in excl_by_rate:
            excl = excl_by_rate[rate]
        for i, part in zip(indexes, allocate(excl, [incls[i] for i in indexes])):
            excls[i] = part
        breakdown.append(
            RateTotals(
                vat_rate=rate,
                vat_category=category_of(rate),
                base=excl,
                vat=incl - excl,
                total_incl=incl,
            )
        )

    line_totals = []
    for line, incl, excl in zip(lines, incls, excls):
        line_totals.append(
            LineTotals(
                total_incl=incl,
                total_excl=excl,
                total_vat=incl - excl,
                unit_price_excl=unit_price_excl(line.unit_price_incl, line.vat_rate),
                vat_category=category_of(line.vat_rate),
            )
        )
    total_excl = sum((b.base for b in breakdown), ZERO)
    total_incl = sum((b.total_incl for b in breakdown), ZERO)
    return DocumentTotals(
        lines=line_totals,
        breakdown=breakdown,
        excl=total_excl,
        vat=total_incl - total_excl,
        incl=total_incl,
    )
