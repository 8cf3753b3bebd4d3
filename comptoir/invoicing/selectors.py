"""Reads of issued documents; every caller starts from a scoped queryset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.customers.models import Client
from comptoir.customers.selectors import missing_invoice_fields
from comptoir.sales.models import Channel, Sale, SaleStatus

from .models import DocumentKind, Invoice


def invoices_of_organization(organization_id: int) -> QuerySet[Invoice]:
    return Invoice.objects.filter(organization_id=organization_id).select_related(
        "park", "client", "sale", "credited_invoice"
    )


def invoices_of_client(client: Client) -> QuerySet[Invoice]:
    """Every document issued to this client, online or at the counter,
    newest sale number first (the product note's order)."""
    return (
        Invoice.objects.filter(organization_id=client.organization_id, client=client)
        .select_related("park")
        .order_by("-sale_number", "-sequence", "kind")
    )


# What the member space says about invoices not issued (yet).

# An online sale paid this recently, without its invoice, is being issued.
JUST_PAID = dt.timedelta(hours=1)


@dataclass(frozen=True)
class InvoiceInProgress:
    """A paid online sale whose invoice is not issued yet, and why."""

    sale: Sale
    missing: list[str]  # fields the client record still lacks; empty: under way


def _without_active_invoice(sales: QuerySet[Sale]) -> QuerySet[Sale]:
    return sales.exclude(
        Exists(Invoice.objects.filter(sale=OuterRef("pk")).active())
    ).prefetch_related("lines")


def invoices_in_progress(
    client: Client, *, now: dt.datetime | None = None
) -> list[InvoiceInProgress]:
    """Paid online sales of this (eligible) client still without an invoice:
    just paid, or held by an open "invoice not generated" alert. Each says
    what the record still lacks now (empty: the invoice is on its way)."""
    now = now or timezone.now()
    held = Alert.objects.filter(
        sale=OuterRef("pk"),
        kind=AlertKind.INVOICE_NOT_GENERATED,
        status=AlertStatus.OPEN,
    )
    sales = _without_active_invoice(
        Sale.objects.filter(
            organization_id=client.organization_id,
            client=client,
            channel=Channel.ONLINE,
            status=SaleStatus.PAID,
        )
        .filter(Q(paid_at__gte=now - JUST_PAID) | Exists(held))
        .select_related("park")
        .order_by("-paid_at", "-pk")
    )
    return [
        InvoiceInProgress(sale=sale, missing=missing_invoice_fields(client, sale.park))
        for sale in sales
        if any(line.net_quantity > 0 for line in sale.lines.all())
    ]


class RequestState:
    INVOICED = "invoiced"
    REQUESTED = "requested"
    CAN_REQUEST = "can_request"


@dataclass(frozen=True)
class SaleInvoiceState:
    sale: Sale
    state: str  # a RequestState
    requested_at: dt.datetime | None = None


def invoice_request_states(
    client: Client, *, limit: int = 10
) -> list[SaleInvoiceState]:
    """The client's latest paid sales: invoiced, invoice asked for, or not."""
    sales = list(
        Sale.objects.filter(
            organization_id=client.organization_id,
            client=client,
            status=SaleStatus.PAID,
        )
        .annotate(invoiced=Exists(Invoice.objects.filter(sale=OuterRef("pk")).active()))
        .select_related("park")
        .order_by("-paid_at", "-pk")[:limit]
    )
    requested = dict(
        Alert.objects.filter(
            sale__in=sales, kind=AlertKind.INVOICE_REQUESTED
        ).values_list("sale_id", "created_at")
    )
    states = []
    for sale in sales:
        if sale.invoiced:
            states.append(SaleInvoiceState(sale, RequestState.INVOICED))
        elif sale.pk in requested:
            states.append(
                SaleInvoiceState(sale, RequestState.REQUESTED, requested[sale.pk])
            )
        else:
            states.append(SaleInvoiceState(sale, RequestState.CAN_REQUEST))
    return states


def split_sale_numbers(documents: Iterable[Invoice]) -> list[str]:
    """Sales among these documents invoiced in two parts: taxable items, and
    multi-purpose gift vouchers (outside the scope of VAT)."""
    scopes: dict[str, set[str]] = {}
    for document in documents:
        if document.kind == DocumentKind.INVOICE:
            scopes.setdefault(document.sale_number, set()).add(document.scope)
    return sorted(number for number, found in scopes.items() if len(found) > 1)


def invoice_requested_at(sale: Sale) -> dt.datetime | None:
    """When the buyer asked for this sale's invoice, if it did."""
    return (
        Alert.objects.filter(sale=sale, kind=AlertKind.INVOICE_REQUESTED)
        .values_list("created_at", flat=True)
        .first()
    )
