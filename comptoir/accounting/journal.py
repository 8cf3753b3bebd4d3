"""Journal entries from issued documents and payments, balanced by construction.

Sales journal: one entry per invoice or credit note, dated by its issue
date, from its frozen snapshot (customer debit incl. VAT; revenue per family
and rate excl. VAT; collected VAT per rate; multi-purpose vouchers to the
customer-advance account, never to revenue). Treasury journal: one entry per
payment or refund of an invoiced sale, dated by the day it was received in
the park's time zone. Credit notes and refunds are the mirror images.
See docs/accounting.md.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT

from comptoir.core.clock import business_date
from comptoir.invoicing.models import DocumentKind, Invoice
from comptoir.sales.models import Payment, PaymentMethod

from .plan import (
    CUSTOMERS,
    ROUNDING_GAIN,
    ROUNDING_LOSS,
    SALES_JOURNAL,
    TREASURY_JOURNAL,
    VOUCHERS,
    Account,
    Plan,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    aux_number: str = ""
    aux_label: str = ""


@dataclass(frozen=True)
class Entry:
    journal: Account  # number: the journal code, label: its name
    date: dt.date
    piece_ref: str
    piece_date: dt.date
    label: str
    lines: tuple[Line, ...]

    @property
    def debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


def _customer_line(
    plan: Plan, amount: Decimal, code: str, name: str, *, debit: bool
) -> Line:
    """411: with the client's third-party code as auxiliary account, or the
    general customer account alone for a client without one."""
    code = code.strip()
    return Line(
        account=plan[CUSTOMERS],
        debit=amount if debit else ZERO,
        credit=ZERO if debit else amount,
        aux_number=code,
        aux_label=name if code else "",
    )


def _mirror(line: Line) -> Line:
    return Line(line.account, line.credit, line.debit, line.aux_number, line.aux_label)


def document_entry(
    plan: Plan, *, kind: str, number: str, issue_date: dt.date, snapshot: dict
) -> Entry | None:
    """The sales-journal entry of one invoice or credit note (None at 0 €)."""
    buyer = snapshot.get("buyer") or {}
    name = buyer.get("company_name") or buyer.get("contact_name") or ""
    credits: dict[Account, Decimal] = {}
    for line in snapshot["lines"]:
        if line.get("vat_rate") in (None, ""):
            # A multi-purpose voucher sold is an advance from the customer.
            account, amount = plan[VOUCHERS], Decimal(line["total_incl"])
        else:
            account = plan.revenue(line["product_kind"], Decimal(line["vat_rate"]))
            amount = Decimal(line["total_excl"])
        credits[account] = credits.get(account, ZERO) + amount
    for row in snapshot["vat_breakdown"]:
        if row.get("vat_rate") in (None, ""):
            continue
        account = plan.vat(Decimal(row["vat_rate"]))
        credits[account] = credits.get(account, ZERO) + Decimal(row["vat"])
    total = Decimal(snapshot["totals"]["incl"])
    lines = [
        _customer_line(
            plan, total, buyer.get("accounting_code") or "", name, debit=True
        )
    ]
    lines += [Line(account, credit=amount) for account, amount in credits.items()]
    # Documents add up by construction (core/totals.py); a gap could
    # only come from an old snapshot, and is booked, never hidden.
    gap = total - sum(credits.values(), ZERO)
    if gap > 0:
        lines.append(Line(plan[ROUNDING_GAIN], credit=gap))
    elif gap < 0:
        lines.append(Line(plan[ROUNDING_LOSS], debit=-gap))
    lines = [line for line in lines if line.debit or line.credit]
    if not lines:
        return None
    credit_note = kind == DocumentKind.CREDIT_NOTE
    if credit_note:
        lines = [_mirror(line) for line in lines]
    what = "Avoir" if credit_note else "Facture"
    return Entry(
        journal=plan[SALES_JOURNAL],
        date=issue_date,
        piece_ref=number,
        piece_date=issue_date,
        label=f"{what} {number} {name}".strip(),
        lines=tuple(lines),
    )


def payment_entry(
    plan: Plan,
    *,
    amount: Decimal,
    method: str,
    day: dt.date,
    piece_ref: str,
    sale_number: str,
    code: str,
    name: str,
) -> Entry | None:
    """The treasury-journal entry of one payment (or refund, negative)."""
    if not amount:
        return None
    refund = amount < 0
    value = abs(amount)
    money = Line(plan.payment(method), debit=value)
    customer = _customer_line(plan, value, code, name, debit=False)
    lines = (money, customer)
    if refund:
        lines = (_mirror(customer), _mirror(money))
    label = (
        str(PaymentMethod(method).label) if method in PaymentMethod.values else method
    )
    what = "Remboursement" if refund else "Règlement"
    return Entry(
        journal=plan[TREASURY_JOURNAL],
        date=day,
        piece_ref=piece_ref or sale_number,
        piece_date=day,
        label=f"{what} {label} vente {sale_number} {name}".strip(),
        lines=lines,
    )


def _documents(park_id: int, date_from: dt.date, date_to: dt.date) -> QuerySet[Invoice]:
    return Invoice.objects.filter(
        park_id=park_id, issue_date__gte=date_from, issue_date__lte=date_to
    ).order_by("issue_date", "issued_at", "pk")


class _PaymentDocuments(TypedDict):
    """What `_payments` annotates: the sale's latest invoice and credit note."""

    invoice_number: str | None
    credit_note_number: str | None
    buyer_code: str | None
    buyer: str | None


def _payments(
    park_id: int, time_zone: str, date_from: dt.date, date_to: dt.date
) -> QuerySet[WithAnnotations[Payment, _PaymentDocuments]]:
    """Payments and refunds of the period, of sales that have an invoice.

    A sale no invoice names (a ticket sold to a walk-in visitor) is in the
    cash register's daily total, not in the customer ledger.
    """
    zone = ZoneInfo(time_zone)
    start = dt.datetime.combine(date_from, dt.time.min, zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, zone)
    documents = Invoice.objects.filter(sale=OuterRef("sale")).order_by("-sequence")
    invoices = documents.filter(kind=DocumentKind.INVOICE)
    credit_notes = documents.filter(kind=DocumentKind.CREDIT_NOTE)
    return (
        Payment.objects.filter(
            sale__park_id=park_id, received_at__gte=start, received_at__lt=end
        )
        .filter(Exists(invoices))
        .annotate(
            invoice_number=Subquery(invoices.values("number")[:1]),
            credit_note_number=Subquery(credit_notes.values("number")[:1]),
            buyer_code=Subquery(
                invoices.values(code=KT("snapshot__buyer__accounting_code"))[:1]
            ),
            buyer=Subquery(invoices.values("buyer_name")[:1]),
        )
        .order_by("received_at", "pk")
    )


def _pages(
    rows: QuerySet[Any, tuple[Any, ...]], size: int, after: Callable[[tuple], Q]
) -> Iterator[tuple]:
    """Rows in pages of `size`, each page starting after the last row read
    (keyset pagination): flat memory on every database, where a cursor's
    batching depends on the driver (SQLite's fetches everything)."""
    last = None
    while True:
        page = list((rows if last is None else rows.filter(after(last)))[:size])
        full = len(page) == size
        last = page[-1] if page else None
        # Hand the rows out and drop the page before reading the next one.
        page.reverse()
        while page:
            yield page.pop()
        if not full:
            return


def count_sources(
    *, park_id: int, time_zone: str, date_from: dt.date, date_to: dt.date
) -> int:
    """How many documents and payments the period's journal is built from."""
    return (
        _documents(park_id, date_from, date_to).count()
        + _payments(park_id, time_zone, date_from, date_to).count()
    )


def journal_entries(
    *,
    plan: Plan,
    park_id: int,
    time_zone: str,
    date_from: dt.date,
    date_to: dt.date,
    chunk_size: int = 200,
    progress: Callable[[int], None] | None = None,
    every: int = 200,
) -> Iterator[Entry]:
    """Every entry of the period, by date, sales before treasury on a day.

    Two server-side cursors merged as they stream: memory stays flat
    whatever the length of the period. `progress(done)` is called every
    `every` documents and payments read, and once at the end.
    """

    # (sort key, (source, row)): merged on the key, dispatched on the source.
    Source = tuple[tuple[Any, ...], tuple[str, tuple[Any, ...]]]

    def documents() -> Iterator[Source]:
        rows = _documents(park_id, date_from, date_to).values_list(
            "issue_date", "issued_at", "pk", "kind", "number", "snapshot"
        )
        for issue_date, issued_at, pk, kind, number, snapshot in _pages(
            rows,
            chunk_size,
            lambda row: (
                Q(issue_date__gt=row[0])
                | Q(issue_date=row[0], issued_at__gt=row[1])
                | Q(issue_date=row[0], issued_at=row[1], pk__gt=row[2])
            ),
        ):
            yield (
                (issue_date, 0, issued_at, pk),
                (
                    "document",
                    (kind, number, issue_date, snapshot),
                ),
            )

    def payments() -> Iterator[Source]:
        rows = _payments(park_id, time_zone, date_from, date_to).values_list(
            "received_at",
            "pk",
            "amount",
            "method",
            "sale__number",
            "invoice_number",
            "credit_note_number",
            "buyer_code",
            "buyer",
        )
        for received_at, pk, *rest in _pages(
            rows,
            chunk_size,
            lambda row: (
                Q(received_at__gt=row[0]) | Q(received_at=row[0], pk__gt=row[1])
            ),
        ):
            day = business_date(received_at, time_zone)
            yield (day, 1, received_at, pk), ("payment", (day, *rest))

    done = 0
    for _key, (source, data) in heapq.merge(
        documents(), payments(), key=lambda item: item[0]
    ):
        done += 1
        if progress is not None and done % every == 0:
            progress(done)
        if source == "document":
            kind, number, issue_date, snapshot = data
            entry = document_entry(
                plan, kind=kind, number=number, issue_date=issue_date, snapshot=snapshot
            )
        else:
            day, amount, method, sale_number, invoice, credit_note, code, name = data
            entry = payment_entry(
                plan,
                amount=amount,
                method=method,
                day=day,
                piece_ref=(credit_note if amount < 0 and credit_note else invoice)
                or "",
                sale_number=sale_number or "",
                code=code or "",
                name=name or "",
            )
        if entry is not None:
            yield entry
    if progress is not None:
        progress(done)
