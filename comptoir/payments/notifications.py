"""Act on a provider's notification: record the payment, release the basket,
follow a refund — and write every event in the sale's provider log."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, QuerySet
from django.utils import timezone

from comptoir.alerts.models import AlertKind
from comptoir.alerts.services import raise_alert
from comptoir.core.prepared import PreparedUpdate
from comptoir.organizations.models import Organization
from comptoir.sales.models import Channel, Payment, Sale, SaleStatus
from comptoir.sales.selectors import sales_of
from comptoir.sales.services import (
    PaymentMismatch,
    ReadWith,
    SaleNotPayable,
    abandon_sale,
    lock_for_payment,
    record_payment,
)

from .log import NotificationResult, log_event
from .models import (
    CheckoutSession,
    EventOutcome,
    ProviderAccount,
    ProviderEvent,
    SessionStatus,
)
from .providers import Notification, PaymentProvider, PaymentStatus
from .refunds import apply_refund_notification

logger = logging.getLogger(__name__)


class UnknownSale(Exception):
    """The notification names no online sale of this organization."""


def account_of(organization: Organization) -> ProviderAccount | None:
    """The organization's provider account; no query when it was read with
    the organization (`select_related("payment_account")`)."""
    if Organization.payment_account.is_cached(organization):
        try:
            return organization.payment_account
        except ProviderAccount.DoesNotExist:
            return None
    return ProviderAccount.objects.filter(organization=organization).first()


def receive_notification(
    *,
    organization: Organization,
    provider: PaymentProvider,
    body: bytes,
    headers: Mapping[str, str],
) -> NotificationResult:
    """Verify a raw notification, then apply it.

    Nothing is read from the body before the signature is checked (raises
    `InvalidNotification`). A notification naming no sale of this
    organization raises `UnknownSale` once logged.
    """
    notification = provider.verify(
        account=account_of(organization), body=body, headers=headers
    )
    result = apply_notification(
        organization=organization, provider=provider, notification=notification
    )
    if result.outcome == EventOutcome.UNKNOWN_SALE:
        raise UnknownSale(str(notification.sale_id))
    return result


def _sale_named(
    organization: Organization, notification: Notification
) -> dict[str, object] | None:
    """Field lookups of the online sale of this organization the
    notification names (one at most: each way of naming it is unique);
    None when it names none."""
    named: dict[str, object]
    if notification.sale_id is not None:
        named = {"public_id": notification.sale_id}
    elif notification.session_id:
        named = {
            "checkout_sessions__session_id": notification.session_id,
            "checkout_sessions__provider": notification.provider,
        }
    elif notification.reference:
        named = {
            "payments__provider": notification.provider,
            "payments__reference": notification.reference,
        }
    else:
        return None
    return {"organization_id": organization.pk, "channel": Channel.ONLINE, **named}


def _sale_of(organization: Organization, notification: Notification) -> Sale | None:
    named = _sale_named(organization, notification)
    return None if named is None else sales_of(organization.pk).filter(**named).first()


def _applied(
    *, organization_id: int, provider: str, event_id: str
) -> QuerySet[ProviderEvent]:
    """The log lines of this provider event, when it was received already
    (not counting its own redeliveries)."""
    return ProviderEvent.objects.filter(
        organization_id=organization_id, provider=provider, event_id=event_id
    ).exclude(outcome=EventOutcome.DUPLICATE)


def _event_applied(*, organization_id: int, provider: str, event_id: str) -> Exists:
    """`_applied`, as an expression read with the locked sale."""
    return Exists(
        _applied(organization_id=organization_id, provider=provider, event_id=event_id)
    )


def _open_sessions(*, sale_id: int) -> QuerySet[CheckoutSession]:
    return CheckoutSession.objects.filter(sale_id=sale_id, status=SessionStatus.OPEN)


# Every paid order closes its checkout session: compiled once (core.prepared).
_CLOSE_OPEN_SESSIONS = PreparedUpdate(_open_sessions)


def _duplicate(
    organization: Organization, sale: Sale | None, notification: Notification
) -> NotificationResult:
    """A provider event received already: logged as such, nothing applied."""
    log_event(
        organization_id=organization.pk,
        sale=sale,
        notification=notification,
        outcome=EventOutcome.DUPLICATE,
    )
    return NotificationResult(sale, EventOutcome.DUPLICATE, False)


def apply_notification(
    *,
    organization: Organization,
    provider: PaymentProvider,
    notification: Notification,
) -> NotificationResult:
    """Apply a verified notification once per provider event id."""
    if notification.status == PaymentStatus.PAID:
        # The usual case, a payment for a sale of ours: the sale is read
        # once, locked, in the payment's transaction.
        named = _sale_named(organization, notification)
        if named is not None:
            paid = _pay(
                named=named,
                organization=organization,
                provider=provider,
                notification=notification,
            )
            if paid is not None:
                return paid
    sale = _sale_of(organization, notification)
    if (
        notification.event_id
        and _applied(
            organization_id=organization.pk,
            provider=notification.provider,
            event_id=notification.event_id,
        ).exists()
    ):
        return _duplicate(organization, sale, notification)
    status = notification.status
    if status == PaymentStatus.REFUND:
        return apply_refund_notification(
            organization=organization,
            provider=provider,
            sale=sale,
            notification=notification,
        )
    if sale is None and status == PaymentStatus.PAID:
        message = (
            f"Paiement {notification.reference or notification.session_id} "
            f"({notification.amount} {notification.currency}) pour une vente "
            f"inconnue ({notification.sale_id}) : à rembourser."
        )
        with transaction.atomic():
            log_event(
                organization_id=organization.pk,
                sale=None,
                notification=notification,
                outcome=EventOutcome.UNKNOWN_SALE,
                message=message,
            )
            if provider.real:  # the simulator takes no money to give back
                raise_alert(
                    sale=None,
                    organization_id=organization.pk,
                    kind=AlertKind.PAYMENT_TO_REFUND,
                    message=message,
                )
        logger.error(message)
        return NotificationResult(None, EventOutcome.UNKNOWN_SALE, False, message)
    if sale is None:
        log_event(
            organization_id=organization.pk,
            sale=None,
            notification=notification,
            outcome=EventOutcome.RECEIVED,
        )
        return NotificationResult(None, EventOutcome.RECEIVED, False)
    if status == PaymentStatus.PAID:
        return apply_payment(sale=sale, provider=provider, notification=notification)
    if status in (
        PaymentStatus.REFUSED,
        PaymentStatus.CANCELLED,
        PaymentStatus.EXPIRED,
    ):
        return release_sale(sale=sale, notification=notification)
    log_event(
        organization_id=organization.pk,
        sale=sale,
        notification=notification,
        outcome=EventOutcome.RECEIVED,
    )
    return NotificationResult(sale, EventOutcome.RECEIVED, False)


def release_sale(*, sale: Sale, notification: Notification) -> NotificationResult:
    """The payment was refused, abandoned or its session expired: the pending
    basket is abandoned (a paid sale stays paid)."""
    with transaction.atomic():
        changed = abandon_sale(sale=sale)
        sessions = CheckoutSession.objects.filter(sale=sale, status=SessionStatus.OPEN)
        if notification.session_id:
            sessions = sessions.filter(session_id=notification.session_id)
        sessions.update(status=SessionStatus.EXPIRED)
        log_event(
            organization_id=sale.organization_id,
            sale=sale,
            notification=notification,
            outcome=EventOutcome.ACCEPTED if changed else EventOutcome.RECEIVED,
            message="" if changed else "Vente déjà payée ou abandonnée : sans effet.",
        )
    logger.info("Sale %s released (%s)", sale.public_id, notification.status)
    return NotificationResult(
        sale, EventOutcome.ACCEPTED if changed else EventOutcome.RECEIVED, changed
    )


def _flag_for_refund(
    *, sale: Sale, notification: Notification, outcome: str, why: str
) -> NotificationResult:
    """Money the provider took that no sale may keep: logged, and an alert
    asks the operator to give it back."""
    message = (
        f"{why} Paiement {notification.reference} de {notification.amount} "
        f"{notification.currency} reçu via {notification.provider} : "
        "à rembourser au client."
    )
    with transaction.atomic():
        log_event(
            organization_id=sale.organization_id,
            sale=sale,
            notification=notification,
            outcome=outcome,
            message=message,
        )
        raise_alert(sale=sale, kind=AlertKind.PAYMENT_TO_REFUND, message=message)
    logger.warning(message)
    return NotificationResult(sale, outcome, False, message)


def apply_payment(
    *, sale: Sale, provider: PaymentProvider, notification: Notification
) -> NotificationResult:
    """A confirmed payment of `sale`: paid once, or the money is flagged."""
    paid = _pay(
        named={"pk": sale.pk},
        organization=sale.organization,
        provider=provider,
        notification=notification,
    )
    if paid is None:
        raise Sale.DoesNotExist(f"Sale {sale.pk} is gone.")
    return paid


def _pay(
    *,
    named: dict[str, object],
    organization: Organization,
    provider: PaymentProvider,
    notification: Notification,
) -> NotificationResult | None:
    """A confirmed payment of the sale the lookups `named` name, applied once
    per event id: the sale paid, or the money flagged. None when there is no
    such sale.

    One transaction: the sale read and locked first, with the event's
    duplicate check, then the checkout session, the payment and the log.
    """
    amount: Decimal | None = notification.amount
    read_with: dict[str, ReadWith] = {}
    if notification.event_id:
        read_with["event_applied"] = _event_applied
    try:
        with transaction.atomic():
            try:
                sale = lock_for_payment(
                    named,
                    organization=organization,
                    read_with=read_with,
                    read_values={
                        "organization_id": organization.pk,
                        "provider": notification.provider,
                        "event_id": notification.event_id,
                    },
                )
            except Sale.DoesNotExist:
                return None
            if getattr(sale, "event_applied", False):
                return _duplicate(organization, sale, notification)
            if notification.currency != "EUR" or amount != sale.total_incl:
                return _amount_mismatch(
                    sale=sale, provider=provider, notification=notification
                )
            # This transaction is the payment's: whatever raises rolls it
            # back whole, so `record_payment` needs no savepoint in it. The
            # session is closed first: the payment takes the park's sale
            # number, whose lock every payment of the day waits for, and
            # only the log, which names the number, is written after it.
            _CLOSE_OPEN_SESSIONS.run(
                {"status": SessionStatus.COMPLETE, "checked_at": timezone.now()},
                sale_id=sale.pk,
            )
            outcome = record_payment(
                sale=sale,
                provider=provider.name,
                reference=notification.reference,
                amount=amount,
                method=provider.method,
                savepoint=False,
                locked=True,
            )
            log_event(
                organization_id=sale.organization_id,
                sale=outcome.sale,
                notification=notification,
                outcome=EventOutcome.ACCEPTED
                if outcome.created
                else EventOutcome.DUPLICATE,
                message=f"Vente {outcome.sale.number} payée."
                if outcome.created
                else "Paiement déjà enregistré.",
            )
    except SaleNotPayable:
        return _flag_for_refund(
            sale=sale,
            notification=notification,
            outcome=EventOutcome.FLAGGED_FOR_REFUND,
            why="Panier abandonné ou remplacé par une commande plus récente.",
        )
    except PaymentMismatch as exc:
        # Paid already, by another transaction, or the reference is another
        # sale's: a second payment is refused.
        already = Payment.objects.filter(sale=sale, amount__gt=0).first()
        why = f"{exc.message} (payée par {already.reference if already else '?'})"
        if provider.real:
            return _flag_for_refund(
                sale=sale,
                notification=notification,
                outcome=EventOutcome.REFUSED,
                why=why,
            )
        log_event(
            organization_id=sale.organization_id,
            sale=sale,
            notification=notification,
            outcome=EventOutcome.REFUSED,
            message=why,
        )
        logger.warning("Payment %s refused: %s", notification.reference, why)
        return NotificationResult(sale, EventOutcome.REFUSED, False, why)
    logger.info(
        "Payment %s for sale %s: %s",
        notification.reference,
        outcome.sale.number,
        "recorded" if outcome.created else "already known",
    )
    return NotificationResult(
        outcome.sale,
        EventOutcome.ACCEPTED if outcome.created else EventOutcome.DUPLICATE,
        outcome.created,
    )


def _amount_mismatch(
    *, sale: Sale, provider: PaymentProvider, notification: Notification
) -> NotificationResult:
    """Not the sale's amount or currency: logged and, for real money, flagged."""
    why = (
        f"Montant reçu {notification.amount} {notification.currency} différent "
        f"du montant de la vente {sale.total_incl} EUR."
    )
    if not provider.real:
        log_event(
            organization_id=sale.organization_id,
            sale=sale,
            notification=notification,
            outcome=EventOutcome.AMOUNT_MISMATCH,
            message=why,
        )
        return NotificationResult(sale, EventOutcome.AMOUNT_MISMATCH, False, why)
    return _flag_for_refund(
        sale=sale,
        notification=notification,
        outcome=EventOutcome.AMOUNT_MISMATCH,
        why=why,
    )


def sale_is_payable(sale: Sale) -> bool:
    return sale.status == SaleStatus.PENDING
