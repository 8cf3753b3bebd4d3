"""What invoicing does when the apps below it call their hooks
(`comptoir.core.hooks`); `connect()` runs from InvoicingConfig.ready()."""

from __future__ import annotations

import logging

from django.db.models import QuerySet

from comptoir.core.numbering import lock_counter
from comptoir.core.prepared import PreparedQuery
from comptoir.organizations import hooks as organizations_hooks
from comptoir.organizations.models import Park
from comptoir.sales import hooks as sales_hooks
from comptoir.sales.hooks import MailedDocument
from comptoir.sales.models import Sale

from .models import DocumentKind, Invoice
from .services import invoice_paid_online_sale
from .services.credit_notes import credit_refunded_lines
from .services.documents import pdf_bytes, render_document_task
from .services.issue import series_key

logger = logging.getLogger(__name__)


def lock_series_counters(park: Park) -> None:
    """Hold the park's document counters while its series code changes."""
    for kind in DocumentKind:
        lock_counter(park_id=park.pk, key=series_key(kind))


def _active_invoices(sale_id: int) -> QuerySet[Invoice]:
    return Invoice.objects.filter(sale_id=sale_id).active().order_by("sequence")


# Compiled once: every paid online sale's confirmation runs it.
_ACTIVE_INVOICES = PreparedQuery[Invoice](_active_invoices)


def order_mail_documents(sale: Sale) -> list[MailedDocument]:
    """The sale's active invoices, rendered and stored now unless already,
    their PDFs for the order confirmation.

    A render that fails does not hold the mail back: the invoice goes
    without its PDF (its link renders it on download) and its render is
    queued again, as `requeue_renders` would.
    """
    documents = []
    for invoice in _ACTIVE_INVOICES.fetch(sale_id=sale.pk):
        pdf: bytes | None
        try:
            pdf = pdf_bytes(invoice)
        except Exception:  # noqa: BLE001 — the order mail must go all the same
            logger.exception("Render failed for invoice %s", invoice.pk)
            render_document_task.enqueue(invoice_id=invoice.pk)
            pdf = None
        documents.append(
            MailedDocument(
                number=invoice.number,
                total_incl=invoice.total_incl,
                public_id=invoice.public_id,
                filename=invoice.filename,
                pdf=pdf,
            )
        )
    return documents


def connect() -> None:
    sales_hooks.sale_paid.register(invoice_paid_online_sale)
    sales_hooks.sale_refunded.register(credit_refunded_lines)
    sales_hooks.order_mail_documents.register(order_mail_documents)
    organizations_hooks.series_changing.register(lock_series_counters)
