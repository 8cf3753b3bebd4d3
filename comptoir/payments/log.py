"""The provider log: one line per message from (or question to) a provider."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.core.rows import insert
from comptoir.sales.models import Sale

from .models import ProviderEvent
from .providers import Notification


def log_event(
    *,
    organization_id: int,
    sale: Sale | None,
    notification: Notification,
    outcome: str,
    message: str = "",
) -> ProviderEvent:
    """One line of the provider log."""
    event = ProviderEvent(
        organization_id=organization_id,
        sale=sale,
        provider=notification.provider,
        event_id=notification.event_id,
        event_type=notification.event_type or notification.status,
        outcome=outcome,
        reference=notification.reference or notification.refund_id,
        amount=notification.amount,
        currency=notification.currency,
        message=message,
    )
    insert(event)
    return event


@dataclass(frozen=True)
class NotificationResult:
    sale: Sale | None
    outcome: str  # EventOutcome
    changed: bool  # False: a replay, a late or a refused message
    message: str = ""
