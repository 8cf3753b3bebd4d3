"""Reads of sales, scoped to an organization or a client."""

from django.db.models import QuerySet

from .models import Sale, SaleStatus


def sales_of(organization_id: int) -> QuerySet[Sale]:
    return Sale.objects.filter(organization_id=organization_id).select_related(
        "park", "client"
    )


def paid_sales_of(organization_id: int) -> QuerySet[Sale]:
    return sales_of(organization_id).filter(status=SaleStatus.PAID)
