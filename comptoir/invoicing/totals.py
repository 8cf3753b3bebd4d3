"""Document totals from prices entered including VAT.

Per VAT rate: excl. = round(incl. / (1 + rate)), VAT = incl. − excl.; the
excl. amount of each rate is then allocated over its lines in proportion to
their incl. amounts, so lines add up exactly to the per-rate totals and the
document total equals what was paid, to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from comptoir.core.money import ZERO, allocate, excl_from_incl, round_money

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
        quantity = Decimal(line.quantity)
        unit_excl = (excl / quantity).quantize(Decimal("0.0001")) if quantity else ZERO
        line_totals.append(
            LineTotals(
                total_incl=incl,
                total_excl=excl,
                total_vat=incl - excl,
                unit_price_excl=unit_excl.normalize()
                if unit_excl != unit_excl.to_integral()
                else unit_excl.quantize(Decimal("0.01")),
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
