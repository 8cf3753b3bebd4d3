"""Reads of issued documents; every caller starts from a scoped queryset."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.customers.models import Client

from .models import Invoice


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
