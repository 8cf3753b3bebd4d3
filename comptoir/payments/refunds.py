"""Refunds through the provider: the credit note waits for the provider's yes.

A refund asked from the back office is first written down
(`ProviderRefund`, status `requested`), then sent to the provider with an
idempotency key made from its reference, so a retry can never refund twice.
Only when the provider says `succeeded` (in its answer, a webhook or the
sweep) does `sales.services.refund_sale` record the refund and issue the
credit note; a refusal leaves the sale as it was and opens an alert.
"""

from __future__ import annotations

import logging
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from comptoir.alerts.models import AlertKind
from comptoir.alerts.services import close_alerts, raise_alert
from comptoir.core import audit
from comptoir.organizations.models import Organization, User, saved_user
from comptoir.sales.models import Payment, PaymentMethod, Sale, SaleStatus
from comptoir.sales.services import SaleError, refund_sale

from .log import NotificationResult, log_event
from .models import EventOutcome, ProviderAccount, ProviderRefund, RefundStatus
from .providers import (
    PROVIDERS,
    Notification,
    PaymentProvider,
    ProviderRefused,
    ProviderUnavailable,
)
from .providers.base import RefundState

logger = logging.getLogger(__name__)

IN_FLIGHT = (RefundStatus.REQUESTED, RefundStatus.PENDING, RefundStatus.UNREACHABLE)


class RefundNotPossible(SaleError):
    pass


def provider_payment_of(sale: Sale) -> Payment | None:
    """The card payment a payment provider took for this sale, if any."""
    return (
        sale.payments.filter(amount__gt=0, provider__in=list(PROVIDERS))
        .order_by("pk")
        .first()
    )


def _account(organization_id: int) -> ProviderAccount | None:
    return ProviderAccount.objects.filter(organization_id=organization_id).first()


def _note(refund: ProviderRefund, outcome: str, message: str, event_type: str) -> None:
    log_event(
        organization_id=refund.organization_id,
        sale=refund.sale,
        notification=Notification(
            provider=refund.provider,
            status="refund",
            event_type=event_type,
            reference=refund.provider_refund_id or refund.reference,
            amount=refund.amount,
            currency="EUR",
        ),
        outcome=outcome,
        message=message,
    )


def request_refund(
    *,
    sale: Sale,
    quantities: dict[int, int] | None,
    reason: str,
    actor: User | AnonymousUser | None,
    reference: str,
) -> ProviderRefund:
    """Ask the provider that took the payment to give back all (`None`) or
    some lines; the credit note follows its acceptance."""
    payment = provider_payment_of(sale)
    if payment is None:
        raise RefundNotPossible("Aucun paiement en ligne à rembourser sur cette vente.")
    existing = ProviderRefund.objects.filter(reference=reference, sale=sale).first()
    if existing is not None:
        return existing  # a double submit of the same form
    with transaction.atomic():
        sale = Sale.objects.select_for_update(of=("self",)).get(pk=sale.pk)
        if sale.status != SaleStatus.PAID:
            raise RefundNotPossible("Seule une vente payée peut être remboursée.")
        if ProviderRefund.objects.filter(sale=sale, status__in=IN_FLIGHT).exists():
            raise RefundNotPossible(
                "Un remboursement de cette vente attend déjà la réponse du "
                "prestataire de paiement."
            )
        lines = {line.pk: line for line in sale.lines.all()}
        if quantities is None:
            quantities = {pk: line.net_quantity for pk, line in lines.items()}
        quantities = {pk: q for pk, q in quantities.items() if q > 0}
        if not quantities:
            raise RefundNotPossible("Rien à rembourser.")
        amount = Decimal("0.00")
        for pk, qty in quantities.items():
            line = lines.get(pk)
            if line is None or qty > line.net_quantity:
                raise RefundNotPossible(
                    "La quantité remboursée dépasse la quantité vendue."
                )
            amount += line.unit_price_incl * qty
        refund = ProviderRefund.objects.create(
            organization_id=sale.organization_id,
            sale=sale,
            provider=payment.provider,
            reference=reference,
            payment_reference=payment.reference,
            amount=amount,
            quantities={str(pk): q for pk, q in quantities.items()},
            reason=reason or "Remboursement",
            # An anonymous user has no pk: only a saved user is stored.
            requested_by=saved_user(actor),
        )
        audit.record(
            sale,
            "payments.refund.requested",
            actor=actor,
            data={"amount": str(amount), "reference": reference},
        )
    # Outside the transaction: the request is on record before the call.
    return submit_refund(refund=refund)


def submit_refund(*, refund: ProviderRefund) -> ProviderRefund:
    """Send (or send again) a refund, retrying a provider that does not
    answer with the same idempotency key; then an alert."""
    provider = PROVIDERS[refund.provider]
    account = _account(refund.organization_id)
    attempts = getattr(settings, "PAYMENT_REFUND_ATTEMPTS", 3)
    delay = getattr(settings, "PAYMENT_RETRY_DELAY_SECONDS", 1.0)
    error = ""
    for attempt in range(attempts):
        ProviderRefund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1)
        try:
            state = provider.refund(
                account=account,
                payment_reference=refund.payment_reference,
                amount=refund.amount,
                idempotency_key=refund.idempotency_key,
                metadata={
                    "refund": refund.reference,
                    "sale": str(refund.sale.public_id),
                },
            )
        except ProviderUnavailable as exc:
            error = str(exc)
            if attempt + 1 < attempts:
                time.sleep(delay * (attempt + 1))
            continue
        except ProviderRefused as exc:
            return fail_refund(refund=refund, why=str(exc))
        return apply_refund_state(refund=refund, state=state)
    ProviderRefund.objects.filter(pk=refund.pk).update(
        status=RefundStatus.UNREACHABLE, failure=error[:300]
    )
    refund.refresh_from_db()
    message = (
        f"Remboursement de {refund.amount} € (vente "
        f"{refund.sale.number}) : le prestataire de paiement ne répond pas "
        f"({error}). Rien n'a été remboursé ni émis ; un nouvel essai, avec la "
        "même clé d'idempotence, sera fait automatiquement."
    )
    with transaction.atomic():
        raise_alert(sale=refund.sale, kind=AlertKind.REFUND_FAILED, message=message)
        _note(refund, EventOutcome.REFUSED, message, "refund.unreachable")
    logger.error(message)
    return refund


def fail_refund(*, refund: ProviderRefund, why: str) -> ProviderRefund:
    """The provider said no: the sale stays as it was, an alert says why."""
    with transaction.atomic():
        locked = ProviderRefund.objects.select_for_update().get(pk=refund.pk)
        if locked.status in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
            return locked
        locked.status = RefundStatus.FAILED
        locked.failure = why[:300]
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "failure", "completed_at"])
        message = (
            f"Remboursement de {locked.amount} € refusé par le prestataire de "
            f"paiement : {why}. La vente et ses factures n'ont pas changé."
        )
        raise_alert(sale=locked.sale, kind=AlertKind.REFUND_FAILED, message=message)
        _note(locked, EventOutcome.REFUSED, message, "refund.failed")
    logger.warning(message)
    return locked


def complete_refund(*, refund: ProviderRefund, refund_id: str) -> ProviderRefund:
    """The provider gave the money back: record it and issue the credit note,
    once, whatever the number of confirmations."""
    with transaction.atomic():
        locked = (
            ProviderRefund.objects.select_for_update(of=("self",))
            .select_related("sale", "requested_by")
            .get(pk=refund.pk)
        )
        if locked.status == RefundStatus.SUCCEEDED:
            return locked
        notes = refund_sale(
            sale=locked.sale,
            quantities={int(pk): q for pk, q in locked.quantities.items()},
            method=PaymentMethod.ONLINE_CARD,
            actor=locked.requested_by,
            reason=locked.reason,
            reference=locked.reference,
        )
        locked.status = RefundStatus.SUCCEEDED
        locked.provider_refund_id = refund_id or locked.provider_refund_id
        locked.completed_at = timezone.now()
        locked.failure = ""
        locked.save(
            update_fields=["status", "provider_refund_id", "completed_at", "failure"]
        )
        close_alerts(
            sale=locked.sale,
            kind=AlertKind.REFUND_FAILED,
            reason="Remboursement accepté par le prestataire.",
        )
        numbers = ", ".join(n.number for n in notes)
        _note(
            locked,
            EventOutcome.ACCEPTED,
            f"Remboursement accepté ; avoir {numbers} émis."
            if numbers
            else "Remboursement accepté.",
            "refund.succeeded",
        )
    return locked


def apply_refund_state(*, refund: ProviderRefund, state: RefundState) -> ProviderRefund:
    if state.status == "succeeded":
        return complete_refund(refund=refund, refund_id=state.refund_id)
    if state.status in ("failed", "canceled"):
        ProviderRefund.objects.filter(pk=refund.pk).update(
            provider_refund_id=state.refund_id
        )
        return fail_refund(refund=refund, why=state.failure or state.status)
    ProviderRefund.objects.filter(pk=refund.pk, status__in=IN_FLIGHT).update(
        status=RefundStatus.PENDING, provider_refund_id=state.refund_id, failure=""
    )
    refund.refresh_from_db()
    return refund


def apply_refund_notification(
    *,
    organization: Organization,
    provider: PaymentProvider,
    sale: Sale | None,
    notification: Notification,
) -> NotificationResult:
    """A refund event (`refund.updated`, `charge.refunded`…) from the provider."""
    refunds = ProviderRefund.objects.filter(
        organization=organization, provider=provider.name
    )
    if notification.refund_id or notification.refund_reference:
        found = list(
            refunds.filter(provider_refund_id=notification.refund_id)
            if notification.refund_id
            else []
        ) or list(
            refunds.filter(reference=notification.refund_reference)
            if notification.refund_reference
            else []
        )
        states = [
            (
                r,
                RefundState(
                    refund_id=notification.refund_id,
                    status=notification.refund_status,
                    failure=notification.failure,
                ),
            )
            for r in found
        ]
    else:
        # charge.refunded carries no refund: ask the provider about ours.
        states = []
        account = _account(organization.pk)
        for r in refunds.filter(
            payment_reference=notification.reference, status__in=IN_FLIGHT
        ).exclude(provider_refund_id=""):
            try:
                states.append(
                    (
                        r,
                        provider.refund_state(
                            account=account, refund_id=r.provider_refund_id
                        ),
                    )
                )
            except (ProviderUnavailable, ProviderRefused):
                continue  # the sweep will ask again
    target = sale or (states[0][0].sale if states else None)
    if not states:
        log_event(
            organization_id=organization.pk,
            sale=target,
            notification=notification,
            outcome=EventOutcome.RECEIVED,
            message="Aucun remboursement de Comptoir en attente pour cet événement.",
        )
        return NotificationResult(target, EventOutcome.RECEIVED, False)
    changed = False
    for refund, state in states:
        before = refund.status
        after = apply_refund_state(refund=refund, state=state).status
        changed = changed or before != after
    log_event(
        organization_id=organization.pk,
        sale=target,
        notification=notification,
        outcome=EventOutcome.ACCEPTED if changed else EventOutcome.RECEIVED,
    )
    return NotificationResult(
        target, EventOutcome.ACCEPTED if changed else EventOutcome.RECEIVED, changed
    )
