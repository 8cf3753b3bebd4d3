"""Issuing invoices: numbering, snapshot, chain, alerts — in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from comptoir.alerts.services import close_invoice_alerts, raise_invoice_alert
from comptoir.core import audit, rows
from comptoir.core.clock import business_date
from comptoir.core.money import allocate
from comptoir.core.numbering import lock_and_take_next_with_key
from comptoir.core.queueing import enqueue_with_documents
from comptoir.core.totals import LineInput, compute_totals
from comptoir.customers.models import Client
from comptoir.customers.selectors import (
    client_is_eligible,
    is_online_invoice_eligible,
    missing_invoice_fields,
)
from comptoir.organizations.models import Park, User, saved_user
from comptoir.sales.models import Channel, Sale, SaleStatus

from ..exceptions import (
    AlreadyInvoiced,
    IncompleteClientRecord,
    InvoicingError,
    NotInvoiceable,
)
from ..integrity import seal_counter, seal_document
from ..models import DocumentKind, Invoice, InvoiceQuerySet, InvoiceTaxLine, Scope
from .mail import invoices_issued_task
from .snapshot import DocLine, build_snapshot, payment_entries

logger = logging.getLogger(__name__)

PREFIX: dict[str, str] = {DocumentKind.INVOICE: "FA", DocumentKind.CREDIT_NOTE: "AV"}


def issue_clock() -> dt.datetime:
    """The issuing clock: the moment a document is issued.

    The one place issuing reads the time, so a test sets an issue time by
    patching this function, not Django's global `timezone.now`.
    """
    return timezone.now()


def series_key(kind: str) -> str:
    return f"doc:{kind}"


def scope_of(vat_rate: Decimal | None) -> str:
    return Scope.OUT_OF_SCOPE if vat_rate is None else Scope.TAXABLE


def active_invoices(sale: Sale) -> InvoiceQuerySet:
    """Invoices of the sale not cancelled by a full credit note."""
    return Invoice.objects.filter(sale=sale).active()


def _existing_invoices(sale: Sale) -> tuple[set[str], dict[str, int]]:
    """Scopes already covered by an active invoice, and invoices per scope."""
    invoices = Invoice.objects.filter(sale=sale, kind=DocumentKind.INVOICE)
    rows = invoices.annotate(cancelled=invoices.fully_credited()).values_list(
        "scope", "cancelled"
    )
    covered: set[str] = set()
    issued: dict[str, int] = {}
    for scope, is_cancelled in rows:
        issued[scope] = issued.get(scope, 0) + 1
        if not is_cancelled:
            covered.add(scope)
    return covered, issued


def issue_invoice_document(
    *,
    sale: Sale,
    client: Client,
    scope: str,
    lines: Sequence[DocLine],
    payments: list[dict],
    issued_by: User | AnonymousUser | None,
    generation: int,
    replaces: Invoice | None = None,
    reason: str = "",
    audited: bool = False,
) -> Invoice:
    """Number and freeze one invoice of `sale` to `client` (the buyer now).

    `generation` counts the sale's invoices of this scope, this one included;
    a corrected invoice names the invoice it `replaces` and the `reason`.
    `audited`: its "invoicing.invoice.issued" audit event is written with it.
    Runs in the caller's transaction with the sale locked; the caller queues
    the rendering task.
    """
    return _issue_document(
        audit_action="invoicing.invoice.issued" if audited else None,
        kind=DocumentKind.INVOICE,
        sale=sale,
        client=client,
        scope=scope,
        lines=lines,
        payments=payments,
        issued_by=issued_by,
        reason=reason,
        generation=generation,
        replaces=replaces,
    )


def issue_credit_note_document(
    *,
    invoice: Invoice,
    sale: Sale,
    lines: Sequence[DocLine],
    payments: list[dict],
    issued_by: User | AnonymousUser | None,
    reason: str,
    closes: bool,
) -> Invoice:
    """Number and freeze one credit note cancelling `lines` of `invoice`.

    The note goes to the buyer and seller as invoiced, in the invoice's
    scope. `closes` says it cancels everything left: it is then a full
    credit, and its per-rate amounts excl. VAT are what is left of the
    invoice's, so the invoice and its notes net to exactly zero.
    Runs in the caller's transaction with the sale locked; the caller queues
    the rendering task.
    """
    return _issue_document(
        kind=DocumentKind.CREDIT_NOTE,
        sale=sale,
        # An invoice always has its client (issued only with one; PROTECT).
        client=cast(Client, invoice.client),
        scope=invoice.scope,
        lines=lines,
        payments=payments,
        issued_by=issued_by,
        reason=reason,
        credited_invoice=invoice,
        is_full_credit=closes,
        excl_by_rate=_left_excl_by_rate(invoice) if closes else None,
    )


def _left_excl_by_rate(invoice: Invoice) -> dict[Decimal | None, Decimal]:
    """Excl. amounts per rate not yet credited, so the last note closes exactly."""
    left: dict[Decimal | None, Decimal] = {}
    for tax in invoice.tax_lines.all():
        left[tax.vat_rate] = left.get(tax.vat_rate, Decimal(0)) + tax.base
    for note in invoice.credit_notes.all():
        for tax in note.tax_lines.all():
            left[tax.vat_rate] = left.get(tax.vat_rate, Decimal(0)) - tax.base
    return left


def _issue_document(
    *,
    kind: str,
    sale: Sale,
    client: Client,
    scope: str,
    lines: Sequence[DocLine],
    payments: list[dict],
    issued_by: User | AnonymousUser | None,
    reason: str,
    generation: int = 1,
    credited_invoice: Invoice | None = None,
    is_full_credit: bool = False,
    excl_by_rate: dict[Decimal | None, Decimal] | None = None,
    replaces: Invoice | None = None,
    audit_action: str | None = None,
) -> Invoice:
    """Take the next number of the series and freeze one document: snapshot,
    tax lines, seal chained to the series' previous document, and (with
    `audit_action`) its audit event, which names it and its sale.

    Must run inside the caller's transaction, after the sale row is locked:
    the series counter is locked here, last, so locks are always taken in
    the order sale → counter (docs/locking.md).
    """
    park = sale.park
    # Locked and incremented in one statement, which also gives the document
    # its key where it can (PostgreSQL): its rows are then written in one
    # statement below, the chain's end into the counter's row.
    counter, key = lock_and_take_next_with_key(
        park_id=park.pk, key=series_key(kind), model=Invoice
    )
    sequence = counter.last_value
    series = park.invoice_series
    if sequence == 1:
        # The series code may change until the first document; read it under
        # the counter lock the park settings page also takes.
        series = Park.objects.values_list("invoice_series", flat=True).get(pk=park.pk)
    # Taken after the lock: issue times increase with numbers.
    issued_at = issue_clock()
    issue_date = business_date(issued_at, park.time_zone)
    number = f"{PREFIX[kind]}-{series}-{issue_date:%Y%m%d}-{sequence:06d}"
    totals = compute_totals(
        [
            LineInput(Decimal(ln.quantity), ln.unit_price_incl, ln.vat_rate)
            for ln in lines
        ],
        excl_by_rate=excl_by_rate,
    )
    cancels = None
    parties = None
    buyer_name = client.company_name or client.display_name
    if credited_invoice is not None:
        cancels = {
            "number": credited_invoice.number,
            "issue_date": credited_invoice.issue_date.isoformat(),
        }
        # A credit note corrects the invoice as issued: same frozen buyer and
        # seller, whatever the client record or the park say today.
        parties = {
            "seller": credited_invoice.snapshot["seller"],
            "buyer": credited_invoice.snapshot["buyer"],
        }
        buyer_name = credited_invoice.buyer_name
    replaced = None
    if replaces is not None:
        replaced = {
            "number": replaces.number,
            "issue_date": replaces.issue_date.isoformat(),
        }
    snapshot = build_snapshot(
        replaces=replaced,
        kind=kind,
        number=number,
        issue_date=issue_date,
        sale=sale,
        client=client,
        lines=lines,
        totals=totals,
        payments=payments,
        cancels=cancels,
        reason=reason,
        parties=parties,
    )
    document = Invoice(
        pk=key,
        organization_id=sale.organization_id,
        park=park,
        sale=sale,
        client=client,
        kind=kind,
        scope=scope,
        generation=generation,
        credited_invoice=credited_invoice,
        is_full_credit=is_full_credit,
        sequence=sequence,
        number=number,
        issued_at=issued_at,
        issue_date=issue_date,
        # Documents are only issued for paid sales: numbered and dated.
        sale_number=cast(str, sale.number),
        sale_date=cast(dt.date, sale.sale_date),
        buyer_name=buyer_name,
        total_excl=totals.excl,
        total_vat=totals.vat,
        total_incl=totals.incl,
        snapshot=snapshot,
        # An anonymous user has no pk: only a saved user is stored.
        issued_by=saved_user(issued_by),
        previous_hash=counter.last_hash,
    )
    tax_lines = [
        InvoiceTaxLine(
            vat_rate=b.vat_rate,
            vat_category=b.vat_category,
            base=b.base,
            vat=b.vat,
            total_incl=b.total_incl,
        )
        for b in totals.breakdown
    ]
    document.hash = seal_document(document, tax_lines=tax_lines)
    counter.last_hash = document.hash
    counter.seal = seal_counter(counter)
    # Not through `Invoice.save()`, which only guards issued documents.
    writes: list[rows.Insert | rows.InsertMany | rows.Update]
    if key is None:
        # No key given with the number (SQLite, a series' first number): the
        # insert gives it, for the rows that name the document.
        rows.insert(document)
        writes = []
    else:
        writes = [rows.Insert(document)]
    for tax_line in tax_lines:
        tax_line.invoice = document
    writes += [rows.InsertMany(tax_lines), rows.Update(counter, ("last_hash", "seal"))]
    if audit_action is not None:
        event = audit.new_event(
            document,
            audit_action,
            actor=issued_by,
            organization=sale.organization,
            data={"number": number, "sale": sale.number},
        )
        writes.append(rows.Insert(event))
    rows.together(*writes)
    return document


def _share_of_payments(sale: Sale, amount: Decimal) -> list[dict]:
    """The sale's payments, scaled to one document's share of the sale."""
    received = [p for p in sale.payments.all() if p.amount > 0]
    entries = payment_entries(received, sale.park.time_zone)
    if not entries:
        return []
    shares = allocate(amount, [abs(p.amount) for p in received])
    for entry, share in zip(entries, shares):
        entry["amount"] = f"{share:.2f}"
    return [e for e in entries if Decimal(e["amount"]) > 0]


def invoiceable_lines(sale: Sale) -> dict[str, list[DocLine]]:
    """The sale's lines still to invoice (net of refunds), by VAT scope."""
    parts: dict[str, list[DocLine]] = {}
    time_zone = sale.park.time_zone
    for line in sale.lines.all():
        if line.net_quantity <= 0:
            continue
        parts.setdefault(scope_of(line.vat_rate), []).append(
            DocLine(
                sale_line_id=line.pk,
                description=line.description,
                product_kind=line.product_kind,
                quantity=line.net_quantity,
                unit_price_incl=line.unit_price_incl,
                vat_rate=line.vat_rate,
                nature=line.nature,
                service_date=business_date(line.booking_start, time_zone)
                if line.booking_start
                else None,
            )
        )
    return parts


@dataclass(frozen=True)
class Invoiceability:
    """Whether a sale can be invoiced now and, if not, why.

    `reason` is "" when it can, else one of "not_paid", "no_client",
    "nothing_to_invoice" (every scope already covered, or nothing left after
    refunds) and "incomplete" (with `missing`, the record's missing fields);
    `refusal` is the exception issuing raises for it.
    """

    reason: str
    refusal: InvoicingError | None = None
    missing: list[str] = field(default_factory=list)
    parts: dict[str, list[DocLine]] = field(default_factory=dict)
    to_issue: list[str] = field(default_factory=list)
    issued: dict[str, int] = field(default_factory=dict)

    @property
    def can_issue(self) -> bool:
        return self.refusal is None


def invoiceability(sale: Sale, *, just_paid: bool = False) -> Invoiceability:
    """The one rule for "can this sale be invoiced now, and if not why".

    Issuing raises `refusal`; the back office shows `reason`. Checked in this
    order: paid, has a client, something left to invoice, complete record.
    `just_paid`: the sale became paid in the caller's transaction, so it has
    no invoice yet (only a paid sale is invoiced), none is read.
    """
    if sale.status != SaleStatus.PAID:
        return Invoiceability(
            reason="not_paid",
            refusal=NotInvoiceable("Seule une vente payée peut être facturée."),
        )
    if sale.client is None:
        return Invoiceability(
            reason="no_client",
            refusal=NotInvoiceable(
                "Cette vente n'a pas de client : associez un client pour la facturer."
            ),
        )
    parts = invoiceable_lines(sale)
    covered, issued = (set(), {}) if just_paid else _existing_invoices(sale)
    to_issue: list[str] = [
        s
        for s in (Scope.TAXABLE, Scope.OUT_OF_SCOPE)
        if s in parts and s not in covered
    ]
    if not to_issue:
        return Invoiceability(
            reason="nothing_to_invoice",
            refusal=AlreadyInvoiced("Cette vente est déjà facturée."),
        )
    missing = missing_invoice_fields(sale.client, sale.park)
    if missing:
        return Invoiceability(
            reason="incomplete",
            refusal=IncompleteClientRecord(client=sale.client, missing=missing),
            missing=missing,
        )
    return Invoiceability(reason="", parts=parts, to_issue=to_issue, issued=issued)


def issue_invoices(
    *, sale: Sale, issued_by: User | AnonymousUser | None = None
) -> list[Invoice]:
    """Freeze a paid sale into numbered, immutable invoices.

    One invoice per VAT scope (taxable items; multi-purpose gift vouchers):
    usually one. Refused with the missing fields when the client record is
    incomplete. Closes the sale's "invoice not generated" alert.
    """
    with transaction.atomic():
        sale = (
            Sale.objects.select_for_update(of=("self",))
            .select_related("park", "client", "organization")
            .get(pk=sale.pk)
        )
        notify = bool(
            sale.client
            and sale.client.user_id
            and is_online_invoice_eligible(sale.client)
        )
        return _issue_locked(sale, issued_by=issued_by, notify=notify)


def _issue_locked(
    sale: Sale,
    *,
    issued_by: User | AnonymousUser | None,
    notify: bool,
    just_paid: bool = False,
    queue_render: bool = True,
) -> list[Invoice]:
    """`issue_invoices` for a sale the caller has locked in its transaction.

    `just_paid`: paid in this transaction, so no invoice and no invoice
    alert can exist yet (both are for paid sales only): neither is read.
    `queue_render=False`: a task queued by the caller renders them.
    """
    state = invoiceability(sale, just_paid=just_paid)
    if state.refusal is not None:
        raise state.refusal
    parts, issued = state.parts, state.issued
    client = cast(Client, sale.client)  # invoiceability checked it is set
    invoices = []
    for scope in state.to_issue:
        lines = parts[scope]
        amount = sum((ln.unit_price_incl * ln.quantity for ln in lines), Decimal(0))
        invoices.append(
            issue_invoice_document(
                sale=sale,
                client=client,
                scope=scope,
                lines=lines,
                payments=_share_of_payments(sale, amount),
                issued_by=issued_by,
                generation=issued.get(scope, 0) + 1,
                audited=True,
            )
        )
    how = (
        "Facture générée automatiquement"
        if issued_by is None
        else "Facture générée manuellement"
    )
    if not just_paid:
        close_invoice_alerts(
            sale=sale,
            closed_by=issued_by,
            reason=f"{how} : {', '.join(i.number for i in invoices)}",
        )
    if queue_render:
        enqueue_with_documents(
            invoices_issued_task, invoice_ids=[i.pk for i in invoices], notify=notify
        )
    return invoices


def invoice_paid_online_sale(sale: Sale) -> list[Invoice]:
    """The product note's rule, run when an online sale is paid.

    Called by `record_payment` with the sale locked. An eligible client's
    invoice is issued at once, inside a savepoint: if issuing fails for any
    reason, the sale and its payment still commit and an alert says why.
    """
    if sale.channel != Channel.ONLINE or sale.client is None:
        return []
    # Read with the locked sale when `record_payment` read it.
    if not client_is_eligible(sale, sale.client):
        return []
    try:
        with transaction.atomic():
            # No task of its own: the order confirmation that `_mark_paid`
            # queues for every online sale with a client renders the
            # invoice, then mails it (sales/mail.py).
            return _issue_locked(
                sale,
                issued_by=None,
                notify=False,
                just_paid=True,
                queue_render=False,
            )
    except IncompleteClientRecord as exc:
        raise_invoice_alert(sale=sale, missing=exc.missing)
    except AlreadyInvoiced:
        pass
    except Exception as exc:  # noqa: BLE001 — any failure must leave the sale paid
        logger.exception("Automatic invoice failed for sale %s", sale.pk)
        raise_invoice_alert(sale=sale, missing=[], error=str(exc) or type(exc).__name__)
    return []
