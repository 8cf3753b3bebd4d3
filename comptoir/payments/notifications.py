"""Act on a provider's notification: record the payment, or drop the basket."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from comptoir.organizations.models import Organization
from comptoir.sales.models import Channel, Sale
from comptoir.sales.selectors import sales_of
from comptoir.sales.services import abandon_sale, record_payment

from .providers import PaymentProvider, PaymentStatus

logger = logging.getLogger(__name__)


class UnknownSale(Exception):
    """The notification names no online sale of this organization."""


@dataclass(frozen=True)
class NotificationResult:
    sale: Sale
    status: str
    changed: bool  # False: a replay or a late message, nothing changed


def receive_notification(
    *,
    organization: Organization,
    provider: PaymentProvider,
    body: bytes,
    headers: Mapping[str, str],
) -> NotificationResult:
    """Verify a raw notification, then apply it to its sale.

    Nothing is read from the body before the signature is checked. A paid
    notification goes through `record_payment`, idempotent per (provider,
    transaction id): a replay changes nothing. Raises `InvalidNotification`,
    `UnknownSale`, or `PaymentMismatch` (amount or sale not the expected one).
    """
    notification = provider.verify(body=body, headers=headers)
    sale = (
        sales_of(organization.pk)
        .filter(public_id=notification.sale_id, channel=Channel.ONLINE)
        .first()
    )
    if sale is None:
        raise UnknownSale(str(notification.sale_id))
    if notification.status == PaymentStatus.PAID:
        outcome = record_payment(
            sale=sale,
            provider=provider.name,
            reference=notification.reference,
            amount=notification.amount,
            method=provider.method,
        )
        logger.info(
            "Payment %s for sale %s: %s",
            notification.reference,
            outcome.sale.number,
            "recorded" if outcome.created else "already known",
        )
        return NotificationResult(outcome.sale, notification.status, outcome.created)
    changed = abandon_sale(sale=sale)
    logger.info("Payment %s %s", notification.reference, notification.status)
    return NotificationResult(sale, notification.status, changed)
