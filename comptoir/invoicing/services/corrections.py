"""Correct an invoice without refunding: full credit note, then a new invoice.

The most common request to a park's office is "the company name (or the
address) on my invoice is wrong". An issued invoice never changes, so the
operator fixes the client record and Comptoir, in one transaction, cancels
the wrong invoice with a full credit note and issues a new invoice for the
same sale to the corrected buyer. No money moves: the credit note is
settled by carrying the payment over to the new invoice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from comptoir.core import audit
from comptoir.core.clock import business_date
from comptoir.core.queueing import enqueue_with_documents
from comptoir.customers.selectors import missing_invoice_fields
from comptoir.customers.services import update_buyer_details
from comptoir.organizations.models import User
from comptoir.sales.models import Sale

from ..exceptions import IncompleteClientRecord, NotInvoiceable
from ..models import DocumentKind, Invoice
from ..rendering.mentions import OFFSET
from .credit_notes import issue_credit_note, remaining_lines
from .issue import (
    _existing_invoices,
    _share_of_payments,
    invoiceable_lines,
    issue_invoice_document,
)
from .mail import invoices_issued_task

OFFSET_LABEL = "Report sur la nouvelle facture"


@dataclass(frozen=True)
class Correction:
    credit_note: Invoice
    invoice: Invoice


def correctable_invoice_ids(sale: Sale) -> set[int]:
    """The sale's invoices "Corriger la facture" applies to: the active ones
    with a client."""
    return set(
        Invoice.objects.filter(sale=sale, client__isnull=False)
        .active()
        .values_list("pk", flat=True)
    )


def correct_invoice(
    *,
    invoice: Invoice,
    reason: str,
    corrected_by: User | AnonymousUser | None,
    buyer_changes: Mapping[str, str] | None = None,
) -> Correction:
    """Cancel `invoice` by a full credit note and reissue its sale.

    In one transaction: the credit note (to the buyer as invoiced), the
    client record's fixed buyer fields (`buyer_changes`, validated by the
    caller), and the new invoice to the corrected buyer, with the same lines
    and the same payments; both documents numbered in their series. A
    refusal (record still incomplete…) changes nothing at all.
    Locks the sale first, then the series counters (docs/locking.md).
    """
    reason = reason.strip()
    if not reason:
        raise NotInvoiceable("Indiquez le motif de la correction.")
    with transaction.atomic():
        sale = (
            Sale.objects.select_for_update(of=("self",))
            .select_related("park", "client", "organization")
            .get(pk=invoice.sale_id)
        )
        invoice = Invoice.objects.select_related("client").get(pk=invoice.pk)
        if invoice.kind != DocumentKind.INVOICE:
            raise NotInvoiceable("Seule une facture peut être corrigée.")
        if invoice.credit_notes.filter(is_full_credit=True).exists():
            raise NotInvoiceable(
                "Cette facture est déjà annulée par un avoir : "
                "corrigez la facture qui la remplace."
            )
        client = sale.client
        if client is None or client.pk != invoice.client_id:
            raise NotInvoiceable("Le client de la vente a changé : correction refusée.")
        lines = invoiceable_lines(sale).get(invoice.scope, [])
        left = sum(
            (ln.unit_price_incl * ln.quantity for ln in remaining_lines(invoice)),
            Decimal("0.00"),
        )
        if not lines or not left:
            raise NotInvoiceable("Il ne reste rien à facturer sur cette vente.")

        today = business_date(timezone.now(), sale.park.time_zone)
        note = issue_credit_note(
            invoice=invoice,
            quantities=None,
            reason=reason,
            issued_by=corrected_by,
            refund_payments=[
                {
                    "method": OFFSET,
                    "method_label": OFFSET_LABEL,
                    "amount": f"{left:.2f}",
                    "date": today.isoformat(),
                    "reference": f"Vente {sale.number}",
                }
            ],
        )
        changed = update_buyer_details(
            client=client, changes=buyer_changes or {}, actor=corrected_by
        )
        missing = missing_invoice_fields(client, sale.park)
        if missing:
            raise IncompleteClientRecord(client=client, missing=missing)
        amount = sum((ln.unit_price_incl * ln.quantity for ln in lines), Decimal(0))
        _, issued = _existing_invoices(sale)
        new = issue_invoice_document(
            sale=sale,
            client=client,
            scope=invoice.scope,
            lines=lines,
            payments=_share_of_payments(sale, amount),
            issued_by=corrected_by,
            generation=issued.get(invoice.scope, 0) + 1,
            replaces=invoice,
            reason=reason,
        )
        data = {
            "reason": reason,
            "invoice": invoice.number,
            "credit_note": note.number,
            "new_invoice": new.number,
            "buyer_before": invoice.buyer_name,
            "buyer_after": new.buyer_name,
            "fields": sorted(changed),
        }
        for document in (invoice, new):
            audit.record(
                document,
                "invoicing.invoice.corrected",
                actor=corrected_by,
                organization=sale.organization,
                data=data,
            )
        audit.record(
            sale,
            "invoicing.invoice.corrected",
            actor=corrected_by,
            organization=sale.organization,
            data=data,
        )
        enqueue_with_documents(
            invoices_issued_task,
            invoice_ids=[new.pk],
            notify=bool(client.user_id),
        )
    return Correction(credit_note=note, invoice=new)
