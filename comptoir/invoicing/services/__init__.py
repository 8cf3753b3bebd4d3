"""Writes of the invoicing domain."""

from .credit_notes import issue_credit_note, remaining_lines
from .documents import ensure_rendered, render_and_store
from .issue import (
    active_invoices,
    invoice_paid_online_sale,
    invoiceability,
    issue_invoices,
)

__all__ = [
    "active_invoices",
    "ensure_rendered",
    "invoice_paid_online_sale",
    "invoiceability",
    "issue_credit_note",
    "issue_invoices",
    "remaining_lines",
    "render_and_store",
]
