"""A typed, checked view of a document snapshot (see docs/snapshot.md).

Both the PDF and the Factur-X XML are built from this view, so they print the
same figures; the checks refuse a snapshot that would give an invoice whose
amounts do not add up or that EN 16931 rejects.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
STANDARD = "S"
OUTSIDE_SCOPE = "O"
NATURES = ("services", "goods", "mixed")


@dataclass(frozen=True)
class Party:
    """Seller or buyer, every field a string ('' when unknown)."""

    fields: Mapping[str, Any]

    def __getitem__(self, key: str) -> str:
        value = self.fields.get(key)
        return "" if value is None else str(value).strip()

    def flag(self, key: str) -> bool:
        return bool(self.fields.get(key))

    @property
    def siren(self) -> str:
        """SIREN, taken from the SIRET when only that is known."""
        siren = self["siren"].replace(" ", "")
        if siren:
            return siren
        siret = self["siret"].replace(" ", "")
        return siret[:9] if len(siret) == 14 and siret.isdigit() else ""


@dataclass(frozen=True)
class Line:
    description: str
    nature: str
    quantity: Decimal
    unit_price_incl: Decimal
    unit_price_excl: Decimal
    vat_rate: Decimal | None
    vat_category: str
    total_incl: Decimal
    total_excl: Decimal
    total_vat: Decimal
    service_date: datetime.date | None = None  # a booking's visit date


@dataclass(frozen=True)
class VatRow:
    vat_rate: Decimal | None
    vat_category: str
    base: Decimal
    vat: Decimal
    total_incl: Decimal


@dataclass(frozen=True)
class Payment:
    method: str
    label: str
    amount: Decimal
    date: datetime.date | None
    reference: str


@dataclass(frozen=True)
class Cancelled:
    number: str
    issue_date: datetime.date


@dataclass(frozen=True)
class Document:
    kind: str
    number: str
    issue_date: datetime.date
    currency: str
    cancels: Cancelled | None
    reason: str
    sale_number: str
    sale_date: datetime.date | None
    seller: Party
    buyer: Party
    lines: list[Line]
    breakdown: list[VatRow]
    excl: Decimal
    vat: Decimal
    incl: Decimal
    paid: Decimal
    due: Decimal
    payments: list[Payment]
    nature: str  # services | goods | mixed
    notes: list[str]
    # The invoice a corrected invoice replaces (issued with its credit note).
    replaces: Cancelled | None = None

    @property
    def service_dates(self) -> list[datetime.date]:
        """The distinct visit dates of the booked lines, in order."""
        return sorted({ln.service_date for ln in self.lines if ln.service_date})

    @property
    def delivery_date(self) -> datetime.date | None:
        """BT-72: the visit date of a booking, else the day of the sale."""
        dates = self.service_dates
        if dates:
            return dates[-1]
        return self.sale_date

    @property
    def is_credit_note(self) -> bool:
        return self.kind == CREDIT_NOTE

    @property
    def type_code(self) -> str:
        return "381" if self.is_credit_note else "380"

    @property
    def category(self) -> str:
        """S or O: a document carries one VAT category only."""
        return self.lines[0].vat_category

    @property
    def out_of_scope(self) -> bool:
        return self.category == OUTSIDE_SCOPE


def _decimal(value: Any, what: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{what}: {value!r} is not a decimal amount") from exc
    if not result.is_finite():
        raise ValueError(f"{what}: {value!r} is not a decimal amount")
    return result


def _rate(value: Any, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    return _decimal(value, what)


def _date(value: Any, what: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValueError(f"{what}: {value!r} is not an ISO date") from exc


def _optional_date(value: Any, what: str) -> datetime.date | None:
    return _date(value, what) if value else None


def _line(raw: Mapping[str, Any], index: int) -> Line:
    what = f"line {index + 1}"
    vat_rate = _rate(raw.get("vat_rate"), f"{what} vat_rate")
    category = str(
        raw.get("vat_category") or (OUTSIDE_SCOPE if vat_rate is None else STANDARD)
    )
    if category == STANDARD and (vat_rate is None or vat_rate <= 0):
        raise ValueError(f"{what}: category S needs a VAT rate above zero")
    if category == OUTSIDE_SCOPE and vat_rate is not None:
        raise ValueError(f"{what}: category O (outside the scope) has no VAT rate")
    if category not in (STANDARD, OUTSIDE_SCOPE):
        raise ValueError(f"{what}: unsupported VAT category {category!r}")
    return Line(
        description=str(raw.get("description") or "").strip(),
        nature=str(raw.get("nature") or ""),
        quantity=_decimal(raw["quantity"], f"{what} quantity"),
        unit_price_incl=_decimal(raw["unit_price_incl"], f"{what} unit_price_incl"),
        unit_price_excl=_decimal(raw["unit_price_excl"], f"{what} unit_price_excl"),
        vat_rate=vat_rate,
        vat_category=category,
        total_incl=_decimal(raw["total_incl"], f"{what} total_incl"),
        total_excl=_decimal(raw["total_excl"], f"{what} total_excl"),
        total_vat=_decimal(raw["total_vat"], f"{what} total_vat"),
        service_date=_optional_date(raw.get("service_date"), f"{what} service_date"),
    )


def _vat_row(raw: Mapping[str, Any]) -> VatRow:
    vat_rate = _rate(raw.get("vat_rate"), "vat_breakdown vat_rate")
    return VatRow(
        vat_rate=vat_rate,
        vat_category=str(
            raw.get("vat_category") or (OUTSIDE_SCOPE if vat_rate is None else STANDARD)
        ),
        base=_decimal(raw["base"], "vat_breakdown base"),
        vat=_decimal(raw["vat"], "vat_breakdown vat"),
        total_incl=_decimal(raw["total_incl"], "vat_breakdown total_incl"),
    )


def _nature(raw: Any, lines: list[Line]) -> str:
    natures = {line.nature for line in lines} & {"services", "goods"}
    if raw in NATURES:
        return str(raw)
    if natures == {"services", "goods"}:
        return "mixed"
    # A multi-purpose voucher is spent on the park's activities: the reform's
    # mention is required on every document, so vouchers go with services.
    return natures.pop() if natures else "services"


def _check_amounts(doc: Document) -> None:
    """Refuse figures that do not add up: the XML would fail EN 16931."""
    categories = {line.vat_category for line in doc.lines}
    if len(categories) > 1:
        raise ValueError(
            "a document cannot mix taxable (S) and outside-the-scope (O) lines "
            "(EN 16931 BR-O-11 to BR-O-14): issue one document per VAT scope"
        )
    rows = {(row.vat_category, row.vat_rate): row for row in doc.breakdown}
    if len(rows) != len(doc.breakdown):
        raise ValueError("vat_breakdown lists the same VAT rate twice")
    sums: dict[tuple[str, Decimal | None], Decimal] = {}
    for line in doc.lines:
        key = (line.vat_category, line.vat_rate)
        sums[key] = sums.get(key, Decimal(0)) + line.total_excl
        if line.total_excl + line.total_vat != line.total_incl:
            raise ValueError(f"line {line.description!r}: excl. + VAT != incl.")
    if set(sums) != set(rows):
        raise ValueError("vat_breakdown rates differ from the lines' rates")
    for key, row in rows.items():
        if sums[key] != row.base:
            raise ValueError(f"VAT base {row.base} != sum of its lines {sums[key]}")
        if row.base + row.vat != row.total_incl:
            raise ValueError(f"VAT row {row.vat_rate}: base + VAT != incl.")
        if row.vat_category == OUTSIDE_SCOPE and row.vat:
            raise ValueError("outside-the-scope (O) VAT amount must be zero")
    if sum((row.base for row in doc.breakdown), Decimal(0)) != doc.excl:
        raise ValueError("totals.excl != sum of VAT bases")
    if sum((row.vat for row in doc.breakdown), Decimal(0)) != doc.vat:
        raise ValueError("totals.vat != sum of VAT amounts")
    if doc.excl + doc.vat != doc.incl:
        raise ValueError("totals: excl. + VAT != incl.")
    if doc.incl - doc.paid != doc.due:
        raise ValueError("totals: incl. - paid != due")


def parse_snapshot(snapshot: Mapping[str, Any]) -> Document:
    """Read and check a snapshot; ValueError says what is wrong."""
    try:
        document = snapshot["document"]
        raw_lines = snapshot["lines"]
        totals = snapshot["totals"]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"snapshot lacks {exc}") from exc
    kind = document.get("kind")
    if kind not in (INVOICE, CREDIT_NOTE):
        raise ValueError(f"unknown document kind {kind!r}")
    currency = document.get("currency") or "EUR"
    if currency != "EUR":
        raise ValueError(f"only EUR documents are supported, not {currency!r}")
    if not raw_lines:
        raise ValueError("a document needs at least one line")
    number = str(document.get("number") or "").strip()
    if not number:
        raise ValueError("the document has no number")

    cancels = None
    if kind == CREDIT_NOTE:
        raw_cancels = document.get("cancels") or {}
        if not raw_cancels.get("number") or not raw_cancels.get("issue_date"):
            raise ValueError("a credit note must name the invoice it cancels")
        cancels = Cancelled(
            number=str(raw_cancels["number"]),
            issue_date=_date(raw_cancels["issue_date"], "cancels.issue_date"),
        )

    replaces = None
    raw_replaces = document.get("replaces") or {}
    if raw_replaces.get("number") and raw_replaces.get("issue_date"):
        replaces = Cancelled(
            number=str(raw_replaces["number"]),
            issue_date=_date(raw_replaces["issue_date"], "replaces.issue_date"),
        )

    sale = snapshot.get("sale") or {}
    lines = [_line(raw, index) for index, raw in enumerate(raw_lines)]
    payments = [
        Payment(
            method=str(raw.get("method") or ""),
            label=str(raw.get("method_label") or raw.get("method") or ""),
            amount=_decimal(raw["amount"], "payment amount"),
            date=_optional_date(raw.get("date"), "payment date"),
            reference=str(raw.get("reference") or ""),
        )
        for raw in snapshot.get("payments") or []
    ]
    incl = _decimal(totals["incl"], "totals.incl")
    paid = _decimal(totals.get("paid", "0.00"), "totals.paid")
    doc = Document(
        kind=kind,
        number=number,
        issue_date=_date(document.get("issue_date"), "document.issue_date"),
        currency=currency,
        cancels=cancels,
        reason=str(document.get("reason") or "").strip(),
        sale_number=str(sale.get("number") or ""),
        sale_date=_optional_date(sale.get("date"), "sale.date"),
        seller=Party(snapshot.get("seller") or {}),
        buyer=Party(snapshot.get("buyer") or {}),
        lines=lines,
        breakdown=[_vat_row(raw) for raw in snapshot.get("vat_breakdown") or []],
        excl=_decimal(totals["excl"], "totals.excl"),
        vat=_decimal(totals["vat"], "totals.vat"),
        incl=incl,
        paid=paid,
        due=_decimal(totals.get("due", incl - paid), "totals.due"),
        payments=payments,
        nature=_nature(snapshot.get("nature"), lines),
        notes=[str(note).strip() for note in snapshot.get("notes") or [] if note],
        replaces=replaces,
    )
    _check_amounts(doc)
    if not doc.seller["company_name"] and not doc.seller["name"]:
        raise ValueError("the seller has no name")
    if not doc.buyer["company_name"] and not doc.buyer["contact_name"]:
        raise ValueError("the buyer has no name")
    return doc
