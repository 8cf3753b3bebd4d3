"""Credit notes ("avoirs"): the only way to correct an issued invoice."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from comptoir.core import audit
from comptoir.core.queueing import enqueue_with_documents
from comptoir.organizations.models import User
from comptoir.sales.models import Payment, Sale, SaleLine

from ..exceptions import NothingToCredit
from ..models import DocumentKind, Invoice
from .issue import active_invoices, issue_credit_note_document
from .mail import invoices_issued_task, notifies
from .snapshot import DocLine, payment_entries


def _credited_quantities(invoice: Invoice) -> dict[int, int]:
    credited: dict[int, int] = defaultdict(int)
    for note in invoice.credit_notes.all():
        for line in note.snapshot["lines"]:
            credited[line["sale_line_id"]] += int(line["quantity"])
    return credited


def _service_date(line: dict) -> dt.date | None:
    value = line.get("service_date")
    return dt.date.fromisoformat(value) if value else None


def remaining_lines(invoice: Invoice) -> list[DocLine]:
    """The invoice's lines not yet cancelled by its credit notes."""
    credited = _credited_quantities(invoice)
    lines = []
    for line in invoice.snapshot["lines"]:
        left = int(line["quantity"]) - credited.get(line["sale_line_id"], 0)
        if left > 0:
            lines.append(
                DocLine(
                    sale_line_id=line["sale_line_id"],
                    description=line["description"],
                    product_kind=line["product_kind"],
                    quantity=left,
                    unit_price_incl=Decimal(line["unit_price_incl"]),
                    vat_rate=Decimal(line["vat_rate"]) if line["vat_rate"] else None,
                    nature=line.get("nature", ""),
                    service_date=_service_date(line),
                )
            )
    return lines


def issue_credit_note(
    *,
    invoice: Invoice,
    quantities: dict[int, int] | None = None,
    reason: str,
    issued_by: User | AnonymousUser | None = None,
    refund_payments: list[dict] | None = None,
) -> Invoice:
    """Cancel all (`quantities=None`) or part of an invoice.

    `quantities` maps sale line ids to the quantity cancelled. A note that
    cancels everything left frees the sale to be invoiced again.
    Must be called with the sale locked, or it locks it itself.
    """
    with transaction.atomic():
        sale = (
            Sale.objects.select_for_update(of=("self",))
            .select_related("park", "organization")
            .get(pk=invoice.sale_id)
        )
        invoice = Invoice.objects.select_related("client").get(pk=invoice.pk)
        if invoice.kind != DocumentKind.INVOICE:
            raise NothingToCredit("Un avoir ne peut porter que sur une facture.")
        left = remaining_lines(invoice)
        if quantities is None:
            lines = left
        else:
            by_id = {ln.sale_line_id: ln for ln in left}
            lines = []
            for line_id, qty in quantities.items():
                if qty <= 0:
                    continue
                if line_id not in by_id or qty > by_id[line_id].quantity:
                    raise NothingToCredit(
                        "La quantité à créditer dépasse ce qui reste sur la facture."
                    )
                base = by_id[line_id]
                lines.append(
                    DocLine(
                        sale_line_id=line_id,
                        description=base.description,
                        product_kind=base.product_kind,
                        quantity=qty,
                        unit_price_incl=base.unit_price_incl,
                        vat_rate=base.vat_rate,
                        nature=base.nature,
                        service_date=base.service_date,
                    )
                )
        if not lines:
            raise NothingToCredit("Cette facture est déjà entièrement annulée.")
        left_qty = {ln.sale_line_id: ln.quantity for ln in left}
        for line in lines:
            left_qty[line.sale_line_id] -= line.quantity
        closes = all(q == 0 for q in left_qty.values())
        note = issue_credit_note_document(
            invoice=invoice,
            sale=sale,
            lines=lines,
            payments=refund_payments or [],
            issued_by=issued_by,
            reason=reason,
            closes=closes,
        )
        enqueue_with_documents(
            invoices_issued_task,
            invoice_ids=[note.pk],
            notify=notifies(invoice.client),
        )
        audit.record(
            note,
            "invoicing.credit_note.issued",
            actor=issued_by,
            organization=sale.organization,
            data={"number": note.number, "invoice": invoice.number, "reason": reason},
        )
    return note


def credit_refunded_lines(
    *,
    sale: Sale,
    payment: Payment,
    lines: dict[int, SaleLine],
    quantities: dict[int, int],
    reason: str,
    actor: User | AnonymousUser | None,
) -> list[Invoice]:
    """A credit note for the refunded lines of each active invoice of `sale`.

    Called by `refund_sale` (through `sales.hooks.sale_refunded`) with the
    sale locked and the negative `payment` recorded; each note carries its
    share of that payment.
    """
    notes = []
    for invoice in active_invoices(sale).order_by("pk"):
        mine = {
            ln["sale_line_id"]: quantities[ln["sale_line_id"]]
            for ln in invoice.snapshot["lines"]
            if ln["sale_line_id"] in quantities
        }
        if not mine:
            continue
        share = sum(
            (lines[pk].unit_price_incl * q for pk, q in mine.items()), Decimal(0)
        )
        entry = payment_entries([payment], sale.park.time_zone)[0]
        entry["amount"] = f"{share:.2f}"
        notes.append(
            issue_credit_note(
                invoice=invoice,
                quantities=mine,
                reason=reason or "Remboursement",
                issued_by=actor,
                refund_payments=[entry],
            )
        )
    return notes
