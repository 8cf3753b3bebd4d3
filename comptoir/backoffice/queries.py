"""Reads behind the back-office screens.

Every function starts from an organization-scoped selector of the domain
apps and only narrows it down (search, filters, totals).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When

from comptoir.alerts.selectors import alerts_of
from comptoir.catalog.models import Product
from comptoir.catalog.selectors import offers_for
from comptoir.customers.models import Client, CustomerGroup
from comptoir.customers.selectors import (
    client_word_q,
    clients_of,
    incomplete_client_ids,
    incomplete_clients,
    search_clients,
    search_words,
)
from comptoir.invoicing.models import DocumentKind, Invoice
from comptoir.invoicing.selectors import invoices_of_organization
from comptoir.invoicing.services import active_invoices, invoiceability
from comptoir.invoicing.services.bulk import with_invoice_flag
from comptoir.organizations.models import Park
from comptoir.sales.models import Sale, SaleStatus
from comptoir.sales.selectors import sales_of

ZERO = Decimal("0.00")


def filter_clients(organization_id: int, data: dict) -> QuerySet[Client]:
    clients = clients_of(organization_id).select_related("initial_park")
    clients = clients.prefetch_related("groups")
    if data.get("q"):
        clients = search_clients(clients, data["q"])
    if data.get("group"):
        clients = clients.filter(groups=data["group"])
    if data.get("profile"):
        clients = clients.filter(profile=data["profile"])
    if data.get("incomplete"):
        clients = incomplete_clients(clients)
    return clients.distinct()


def group_members(group: CustomerGroup) -> QuerySet[Client]:
    return (
        clients_of(group.organization_id)
        .filter(groups=group)
        .select_related("initial_park")
        .prefetch_related("groups")
    )


def incomplete_member_count(group: CustomerGroup) -> int:
    return len(incomplete_client_ids(group_members(group)))


def incomplete_counts_by_group(organization_id: int) -> dict[int, int]:
    """For each group of the organization, how many members are incomplete."""
    incomplete = incomplete_client_ids(clients_of(organization_id))
    memberships = Client.groups.through.objects.filter(
        client_id__in=incomplete
    ).values_list("customergroup_id", flat=True)
    return dict(Counter(memberships))


def clients_to_add(group: CustomerGroup, text: str) -> QuerySet[Client]:
    candidates = clients_of(group.organization_id).exclude(groups=group)
    return search_clients(candidates, text)


def counter_products(park: Park) -> QuerySet[Product]:
    return Product.objects.filter(
        organization_id=park.organization_id,
        park=park,
        active=True,
        sold_at_counter=True,
    ).order_by("kind", "name")


def counter_prices(
    *, organization_id: int, client: Client | None, products
) -> dict[int, Decimal]:
    """What this client pays for each product at the counter: the shop's
    rule (`offers_for`: its groups' prices), else the public price."""
    if client is None:
        return {}
    offers = {
        offer.product.pk: offer.price_incl
        for offer in offers_for(organization_id=organization_id, client=client)
    }
    return {p.pk: offers.get(p.pk, p.price_incl) for p in products}


def filter_sales(organization_id: int, data: dict) -> QuerySet[Sale]:
    sales = with_invoice_flag(
        sales_of(organization_id).filter(status=SaleStatus.PAID)
    ).order_by("-paid_at", "-pk")
    if data.get("start"):
        sales = sales.filter(sale_date__gte=data["start"])
    if data.get("end"):
        sales = sales.filter(sale_date__lte=data["end"])
    if data.get("channel"):
        sales = sales.filter(channel=data["channel"])
    if data.get("park"):
        sales = sales.filter(park=data["park"])
    if data.get("client"):
        for word in search_words(data["client"]):
            sales = sales.filter(
                Q(number__icontains=word) | client_word_q(word, "client__")
            )
    # `has_invoice` is annotated by with_invoice_flag, which the stubs cannot see.
    if data.get("invoice") == "with":
        sales = sales.filter(has_invoice=True)  # type: ignore[misc]
    elif data.get("invoice") == "without":
        sales = sales.filter(has_invoice=False)  # type: ignore[misc]
    return sales


def filter_documents(organization_id: int, data: dict) -> QuerySet[Invoice]:
    # Issue date first: the (organization, issue date, issued at, id) index
    # then serves a period's page, count and totals without a sort.
    documents = invoices_of_organization(organization_id).order_by(
        "-issue_date", "-issued_at", "-pk"
    )
    if data.get("start"):
        documents = documents.filter(issue_date__gte=data["start"])
    if data.get("end"):
        documents = documents.filter(issue_date__lte=data["end"])
    if data.get("park"):
        documents = documents.filter(park=data["park"])
    if data.get("kind"):
        documents = documents.filter(kind=data["kind"])
    if data.get("client"):
        for word in search_words(data["client"]):
            documents = documents.filter(
                Q(buyer_name__icontains=word)
                | Q(number__icontains=word)
                | Q(sale_number__icontains=word)
                | client_word_q(word, "client__")
            )
    return documents


def _signed(name: str) -> Sum:
    return Sum(
        Case(
            When(kind=DocumentKind.CREDIT_NOTE, then=-F(name)),
            default=F(name),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        default=Value(ZERO),
    )


def document_totals(documents: QuerySet[Invoice]) -> dict[str, Decimal]:
    """Signed totals (credit notes negative) of the listed documents."""
    totals = documents.order_by().aggregate(
        excl=_signed("total_excl"), vat=_signed("total_vat"), incl=_signed("total_incl")
    )
    return {
        key: Decimal(value or 0).quantize(Decimal("0.01"))
        for key, value in totals.items()
    }


@dataclass
class InvoiceState:
    """What the sale page says about invoicing this sale."""

    documents: list[Invoice] = field(default_factory=list)
    has_active_invoice: bool = False
    can_issue: bool = False
    missing: list[str] = field(default_factory=list)
    blocked_reason: str = ""


def invoice_state(sale: Sale) -> InvoiceState:
    documents = list(
        invoices_of_organization(sale.organization_id)
        .filter(sale=sale)
        .order_by("issued_at", "pk")
    )
    state = InvoiceState(documents=documents)
    state.has_active_invoice = active_invoices(sale).exists()
    rule = invoiceability(sale)
    state.can_issue = rule.can_issue
    state.missing = rule.missing
    state.blocked_reason = rule.reason
    return state


def open_alerts(organization_id: int):
    return alerts_of(organization_id).filter(status="open").order_by("-created_at")


def closed_alerts(organization_id: int):
    return alerts_of(organization_id).filter(status="closed").order_by("-closed_at")


def sales_of_client(client: Client) -> QuerySet[Sale]:
    return with_invoice_flag(
        sales_of(client.organization_id).filter(client=client, status=SaleStatus.PAID)
    ).order_by("-paid_at", "-pk")


def documents_of_client(client: Client) -> QuerySet[Invoice]:
    return invoices_of_organization(client.organization_id).filter(client=client)
