"""Open and close alerts."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from comptoir.customers.selectors import field_labels
from comptoir.organizations.models import User, saved_user

from .models import Alert, AlertKind, AlertStatus

logger = logging.getLogger(__name__)


def invoice_alert_message(*, sale: Any, missing: list[str], error: str = "") -> str:
    client = sale.client.display_name if sale.client else "—"
    if missing:
        return (
            f"La facture de la vente {sale.number} ({client}) n'a pas pu être "
            f"générée : fiche client incomplète. Champs manquants : "
            f"{', '.join(field_labels(missing))}."
        )
    return (
        f"La facture de la vente {sale.number} ({client}) n'a pas pu être "
        f"générée : {error}"
    )


def raise_invoice_alert(*, sale: Any, missing: list[str], error: str = "") -> Alert:
    """Open (or refresh) the one open alert saying this sale has no invoice."""
    message = invoice_alert_message(sale=sale, missing=missing, error=error)
    existing = Alert.objects.filter(
        sale=sale, kind=AlertKind.INVOICE_NOT_GENERATED, status=AlertStatus.OPEN
    ).first()
    if existing:
        existing.missing_fields = missing
        existing.message = message
        existing.save(update_fields=["missing_fields", "message"])
        return existing
    try:
        with transaction.atomic():
            return Alert.objects.create(
                organization_id=sale.organization_id,
                park_id=sale.park_id,
                kind=AlertKind.INVOICE_NOT_GENERATED,
                sale=sale,
                client=sale.client,
                missing_fields=missing,
                message=message,
            )
    except IntegrityError:
        # Another transaction opened it first: one open alert per sale.
        return Alert.objects.get(
            sale=sale, kind=AlertKind.INVOICE_NOT_GENERATED, status=AlertStatus.OPEN
        )


def raise_invoice_request(
    *, sale: Any, requested_by: User | AnonymousUser | None = None, missing: list[str]
) -> tuple[Alert, bool]:
    """The member asks for an invoice for this sale: one alert per sale, ever.

    Returns the alert and whether it was created now (False: asked before).
    """
    client = sale.client.display_name if sale.client else "—"
    message = f"{client} demande une facture pour la vente {sale.number}."
    if missing:
        message += f" Champs manquants : {', '.join(field_labels(missing))}."
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                organization_id=sale.organization_id,
                park_id=sale.park_id,
                kind=AlertKind.INVOICE_REQUESTED,
                sale=sale,
                client=sale.client,
                missing_fields=missing,
                message=message,
            )
    except IntegrityError:
        # Asked before (or a double click won the race): nothing new.
        return Alert.objects.get(sale=sale, kind=AlertKind.INVOICE_REQUESTED), False
    logger.info("Invoice requested for sale %s by user %s", sale.pk, requested_by)
    return alert, True


INVOICE_KINDS = (AlertKind.INVOICE_NOT_GENERATED, AlertKind.INVOICE_REQUESTED)


def close_invoice_alerts(
    *, sale: Any, closed_by: User | AnonymousUser | None = None, reason: str
) -> int:
    """Close the sale's open alerts about its invoice (not generated, or
    asked for by the member), saying how."""
    return Alert.objects.filter(
        sale=sale, kind__in=INVOICE_KINDS, status=AlertStatus.OPEN
    ).update(
        status=AlertStatus.CLOSED,
        closed_at=timezone.now(),
        closed_by=saved_user(closed_by),
        closed_reason=reason,
    )


def raise_alert(
    *, sale: Any, kind: str, message: str, organization_id: int | None = None
) -> Alert:
    """Open (or refresh) the one open alert of this kind on a sale; without a
    sale (money for no known sale), a new alert of the organization."""
    if sale is None:
        # Without a sale the caller always names the organization.
        assert organization_id is not None
        return Alert.objects.create(
            organization_id=organization_id, kind=kind, message=message
        )
    existing = Alert.objects.filter(
        sale=sale, kind=kind, status=AlertStatus.OPEN
    ).first()
    if existing:
        existing.message = message
        existing.save(update_fields=["message"])
        return existing
    try:
        with transaction.atomic():
            return Alert.objects.create(
                organization_id=sale.organization_id,
                park_id=sale.park_id,
                kind=kind,
                sale=sale,
                client=sale.client,
                message=message,
            )
    except IntegrityError:
        return Alert.objects.get(sale=sale, kind=kind, status=AlertStatus.OPEN)


def close_alerts(
    *, sale: Any, kind: str, closed_by: User | AnonymousUser | None = None, reason: str
) -> int:
    """Close the sale's open alert of this kind, saying how."""
    return Alert.objects.filter(sale=sale, kind=kind, status=AlertStatus.OPEN).update(
        status=AlertStatus.CLOSED,
        closed_at=timezone.now(),
        closed_by=saved_user(closed_by),
        closed_reason=reason,
    )


def close_alert(
    *, alert: Alert, closed_by: User | AnonymousUser | None, reason: str
) -> bool:
    """Close one open alert, saying how; False when it was already closed."""
    return bool(
        Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
            status=AlertStatus.CLOSED,
            closed_at=timezone.now(),
            closed_by=saved_user(closed_by),
            closed_reason=reason,
        )
    )
