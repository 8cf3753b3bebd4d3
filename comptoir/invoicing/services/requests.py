"""A member asks the park for the invoice of one of its sales."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from comptoir.alerts.models import Alert
from comptoir.alerts.services import raise_invoice_request
from comptoir.customers.selectors import missing_invoice_fields
from comptoir.organizations.models import User
from comptoir.sales.models import Sale, SaleStatus

from ..exceptions import AlreadyInvoiced, NotInvoiceable
from .issue import active_invoices


def request_invoice(
    *, sale: Sale, requested_by: User | AnonymousUser | None
) -> tuple[Alert, bool]:
    """Tell the operator, through an alert, that the buyer wants an invoice.

    For members of groups without online invoices, whose invoices are not
    issued automatically. Idempotent per sale: asking again returns the
    first request (created False).
    """
    if sale.status != SaleStatus.PAID or sale.client is None:
        raise NotInvoiceable("Seule une vente payée peut être facturée.")
    if active_invoices(sale).exists():
        raise AlreadyInvoiced("Cette vente est déjà facturée.")
    return raise_invoice_request(
        sale=sale,
        requested_by=requested_by,
        missing=missing_invoice_fields(sale.client, sale.park),
    )
