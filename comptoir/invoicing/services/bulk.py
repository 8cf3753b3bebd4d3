"""Issue in one go the invoices that should exist and do not yet.

"Générer les factures manquantes": every paid sale of an online-invoice
eligible client (online or at the counter) that still has something to
invoice and no active invoice. Each sale is issued in its own transaction,
so one failure never blocks the others; what could not be issued is reported
with the reason, and an incomplete record keeps (or opens) its alert.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, QuerySet

from comptoir.alerts.services import raise_invoice_alert
from comptoir.customers.models import Client
from comptoir.customers.selectors import online_invoice_eligible_q
from comptoir.organizations.models import Organization, User
from comptoir.sales.models import Sale, SaleLine
from comptoir.sales.selectors import paid_sales_of

from ..exceptions import IncompleteClientRecord, InvoicingError
from ..models import Invoice
from .issue import issue_invoices

logger = logging.getLogger(__name__)


def with_invoice_flag(sales: QuerySet[Sale]) -> QuerySet[Sale]:
    """Annotate `has_invoice`: the sale has an invoice not fully credited."""
    active = Invoice.objects.filter(sale=OuterRef("pk")).active()
    return sales.annotate(has_invoice=Exists(active))


def sales_missing_invoice(organization_id: int) -> QuerySet[Sale]:
    """Paid sales of eligible clients with something left to invoice and no
    active invoice, oldest payment first."""
    eligible = Client.objects.filter(
        online_invoice_eligible_q(), organization_id=organization_id
    ).values("pk")
    open_lines = SaleLine.objects.filter(
        sale=OuterRef("pk"), quantity__gt=F("refunded_quantity")
    )
    return (
        with_invoice_flag(paid_sales_of(organization_id))
        .filter(client_id__in=eligible, has_invoice=False)
        .filter(Exists(open_lines))
        .order_by("paid_at", "pk")
    )


@dataclass(frozen=True)
class Issued:
    sale_id: int
    sale_number: str
    client_name: str
    invoice_numbers: list[str]


@dataclass(frozen=True)
class NotIssued:
    sale_id: int
    sale_number: str
    client_id: int | None
    client_name: str
    reason: str
    missing: list[str] = field(default_factory=list)


@dataclass
class BulkReport:
    issued: list[Issued] = field(default_factory=list)
    not_issued: list[NotIssued] = field(default_factory=list)
    remaining: int = 0


def issue_missing_invoices(
    *,
    organization: Organization,
    actor: User | AnonymousUser | None,
    limit: int | None = None,
    skip_sale_ids: Iterable[int] = (),
) -> BulkReport:
    """Issue the missing invoices of `organization`, at most `limit` sales.

    `skip_sale_ids` are sales already reported as not issued in this run, so
    a run processed in batches never retries them; `remaining` says how many
    candidates are left after this batch.
    """
    skip = set(skip_sale_ids)
    candidates = sales_missing_invoice(organization.pk).exclude(pk__in=skip)
    batch = list(
        (candidates[:limit] if limit else candidates).select_related("client", "park")
    )
    report = BulkReport()
    for sale in batch:
        number = cast(str, sale.number)  # paid sales only: always numbered
        client = sale.client
        name = (client.company_name or client.display_name) if client else ""
        try:
            invoices = issue_invoices(sale=sale, issued_by=actor)
        except IncompleteClientRecord as exc:
            raise_invoice_alert(sale=sale, missing=exc.missing)
            report.not_issued.append(
                NotIssued(
                    sale.pk, number, sale.client_id, name, exc.message, exc.missing
                )
            )
        except InvoicingError as exc:
            report.not_issued.append(
                NotIssued(sale.pk, number, sale.client_id, name, exc.message)
            )
        except Exception as exc:  # noqa: BLE001 — report it, go on with the others
            logger.exception("Bulk invoice failed for sale %s", sale.pk)
            report.not_issued.append(
                NotIssued(
                    sale.pk,
                    number,
                    sale.client_id,
                    name,
                    f"Erreur inattendue : {exc or type(exc).__name__}",
                )
            )
        else:
            report.issued.append(
                Issued(sale.pk, number, name, [i.number for i in invoices])
            )
    skip |= {item.sale_id for item in report.not_issued}
    report.remaining = (
        sales_missing_invoice(organization.pk).exclude(pk__in=skip).count()
    )
    return report
