"""Reads of the payments domain, scoped to an organization or a sale."""

from __future__ import annotations

from django.db.models import QuerySet

from comptoir.sales.models import Sale, SaleStatus

from .models import (
    CheckoutSession,
    ProviderAccount,
    ProviderEvent,
    ProviderRefund,
    SessionStatus,
)


def account_of(organization_id: int) -> ProviderAccount | None:
    return ProviderAccount.objects.filter(organization_id=organization_id).first()


def events_of_sale(sale: Sale) -> QuerySet[ProviderEvent]:
    return ProviderEvent.objects.filter(
        organization_id=sale.organization_id, sale=sale
    ).order_by("received_at", "pk")


def refunds_of_sale(sale: Sale) -> QuerySet[ProviderRefund]:
    return ProviderRefund.objects.filter(
        organization_id=sale.organization_id, sale=sale
    ).order_by("-created_at", "-pk")


def unmatched_events(organization_id: int) -> QuerySet[ProviderEvent]:
    """Money a provider reported for no known sale of this organization."""
    return ProviderEvent.objects.filter(
        organization_id=organization_id, sale__isnull=True, outcome="unknown_sale"
    ).order_by("-received_at", "-pk")


def mask(secret: str) -> str:
    """A stored secret as shown again: its kind and last four characters."""
    if not secret:
        return ""
    prefix = secret.split("_", 2)
    head = "_".join(prefix[:2]) + "_" if len(prefix) > 2 else ""
    return f"{head}…{secret[-4:]}"


def session_is_open(*, provider: str, session_id: str) -> bool:
    """Whether a payment session may still be paid: open, for a pending sale."""
    return CheckoutSession.objects.filter(
        provider=provider,
        session_id=session_id,
        status=SessionStatus.OPEN,
        sale__status=SaleStatus.PENDING,
    ).exists()
