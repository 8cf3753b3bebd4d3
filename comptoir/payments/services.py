"""Writes of the payments domain: provider settings, checkout, the sweep."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from comptoir.core import audit, rows
from comptoir.organizations.models import Organization, User
from comptoir.sales.models import Sale, SaleStatus
from comptoir.sales.services import SaleError, abandon_sale

from .log import log_event
from .models import (
    CheckoutSession,
    EventOutcome,
    ProviderAccount,
    ProviderName,
    ProviderRefund,
    RefundStatus,
    SessionStatus,
)
from .notifications import account_of, apply_payment, release_sale
from .providers import (
    PROVIDERS,
    Notification,
    PaymentProvider,
    PaymentStatus,
    ProviderRefused,
    ProviderUnavailable,
    get_provider,
    simulator_enabled,
)
from .refunds import apply_refund_state, submit_refund

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("secret_key", "webhook_secret")


class PaymentsNotConfigured(SaleError):
    """No provider can take this organization's online payments."""


class PaymentStartFailed(SaleError):
    """The provider could not open a payment session."""


def checkout_provider(
    organization: Organization,
) -> tuple[PaymentProvider, ProviderAccount | None]:
    """The provider the shop sends this organization's buyers to."""
    account = account_of(organization)
    if account is not None and account.provider == ProviderName.STRIPE:
        if account.is_real:
            return PROVIDERS[ProviderName.STRIPE], account
        raise PaymentsNotConfigured(
            "Le paiement en ligne n'est pas encore configuré pour ce compte."
        )
    if simulator_enabled():
        return PROVIDERS[ProviderName.SIMULATOR], account
    raise PaymentsNotConfigured(
        "Le paiement en ligne n'est pas encore configuré pour ce compte."
    )


def session_minutes() -> int:
    return int(getattr(settings, "PAYMENT_SESSION_MINUTES", 60))


def start_payment(*, sale: Sale, return_url: str, cancel_url: str) -> str:
    """Open the provider's payment session for a pending sale; its address.

    A provider that cannot open one leaves no payable basket behind: the
    sale is abandoned and `PaymentStartFailed` says so.
    """
    provider, account = checkout_provider(sale.organization)
    expires_at = timezone.now() + dt.timedelta(minutes=session_minutes())
    try:
        started = provider.start(
            account=account,
            sale=sale,
            return_url=return_url,
            cancel_url=cancel_url,
            expires_at=expires_at,
        )
    except (ProviderUnavailable, ProviderRefused) as exc:
        abandon_sale(sale=sale)
        logger.error("Payment session for %s not opened: %s", sale.public_id, exc)
        raise PaymentStartFailed(
            "Le paiement en ligne est momentanément indisponible. "
            "Réessayez dans quelques instants."
        ) from exc
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: a session the provider gave back again
        # (same idempotency key) keeps its row, in one statement.
        rows.insert_many(
            [
                CheckoutSession(
                    provider=provider.name,
                    session_id=started.session_id,
                    organization_id=sale.organization_id,
                    sale=sale,
                    url=started.url if started.url.startswith("http") else "",
                    expires_at=started.expires_at,
                )
            ],
            ignore_conflicts=True,
        )
        log_event(
            organization_id=sale.organization_id,
            sale=sale,
            notification=Notification(
                provider=provider.name,
                status="open",
                event_type="session.created",
                reference=started.session_id,
                amount=sale.total_incl,
                currency="EUR",
            ),
            outcome=EventOutcome.RECEIVED,
            message="Session de paiement ouverte.",
        )
    return started.url


def release_pending_sale(*, sale: Sale, why: str) -> bool:
    """Close a pending sale's payment sessions at the provider, then abandon
    it: a superseded or cancelled basket can no longer be paid.

    A session the provider says is already paid keeps its sale pending (the
    payment will arrive); a provider that does not answer does not keep the
    basket alive: its late payment is flagged for refund.
    """
    for session in CheckoutSession.objects.filter(sale=sale, status=SessionStatus.OPEN):
        provider = PROVIDERS.get(session.provider)
        if provider is None:
            continue
        account = ProviderAccount.objects.filter(
            organization_id=sale.organization_id
        ).first()
        try:
            provider.expire_session(account=account, session_id=session.session_id)
        except ProviderRefused:
            try:
                state = provider.session_state(account=account, session=session)
            except (ProviderUnavailable, ProviderRefused):
                state = None
            if state is not None and state.paid:
                return False
        except ProviderUnavailable as exc:
            logger.warning("Session %s not expired: %s", session.session_id, exc)
    result = release_sale(
        sale=sale,
        notification=Notification(
            provider=sale_provider(sale),
            status=PaymentStatus.CANCELLED,
            event_type=why,
        ),
    )
    return result.changed


def sale_provider(sale: Sale) -> str:
    session = CheckoutSession.objects.filter(sale=sale).first()
    return session.provider if session else ProviderName.SIMULATOR


# Provider settings (the back office's "Paiement en ligne").


def save_provider_account(
    *,
    organization: Organization,
    provider: str,
    publishable_key: str,
    secret_key: str,
    webhook_secret: str,
    actor: User | AnonymousUser | None,
) -> ProviderAccount:
    """Choose the provider and its keys; an empty secret keeps the stored one.

    The audit trail names what changed, never a secret's value.
    """
    if provider == ProviderName.SIMULATOR and not simulator_enabled():
        raise SaleError("Le simulateur de paiement n'est pas autorisé sur ce site.")
    with transaction.atomic():
        account, created = ProviderAccount.objects.select_for_update().get_or_create(
            organization=organization
        )
        changed = []
        if account.provider != provider:
            changed.append("provider")
            account.provider = provider
        if publishable_key and account.publishable_key != publishable_key:
            changed.append("publishable_key")
            account.publishable_key = publishable_key
        for name, value in (
            ("secret_key", secret_key),
            ("webhook_secret", webhook_secret),
        ):
            if value and getattr(account, name) != value:
                changed.append(name)
                setattr(account, name, value)
        if changed:
            account.check_ok = None
            account.checked_at = None
            account.check_message = ""
        account.save()
        if changed or created:
            audit.record(
                account,
                "payments.account.updated",
                actor=actor,
                organization=organization,
                data={"provider": provider, "changed": changed},
            )
    return account


def test_provider_connection(
    *, account: ProviderAccount, actor: User | AnonymousUser | None
) -> ProviderAccount:
    """Ask the provider whether the stored keys work; remember the answer."""
    provider = get_provider(account.provider)
    if provider is None:
        ok, message = False, "Ce prestataire n'est pas autorisé sur ce site."
    else:
        try:
            message = provider.test_connection(account=account)
            ok = True
        except ProviderRefused as exc:
            ok, message = False, f"Refusé par le prestataire : {exc}"
        except ProviderUnavailable as exc:
            ok, message = False, f"Prestataire injoignable : {exc}"
    account.check_ok = ok
    account.check_message = message[:300]
    account.checked_at = timezone.now()
    account.save(update_fields=["check_ok", "check_message", "checked_at"])
    audit.record(
        account,
        "payments.account.tested",
        actor=actor,
        organization=account.organization,
        data={"ok": ok, "message": account.check_message},
    )
    return account


# The sweep: what the provider never told us, we ask.


@dataclass
class SweepReport:
    sessions_checked: int = 0
    paid: int = 0
    released: int = 0
    refunds_retried: int = 0
    errors: list[str] = field(default_factory=list)


def sweep_payments(*, now: dt.datetime | None = None) -> SweepReport:
    """Reconcile payment sessions left open past `PAYMENT_SWEEP_AFTER_MINUTES`
    (the webhook never came) and refunds still waiting for the provider."""
    now = now or timezone.now()
    report = SweepReport()
    after = dt.timedelta(
        minutes=int(getattr(settings, "PAYMENT_SWEEP_AFTER_MINUTES", 10))
    )
    sessions = CheckoutSession.objects.filter(
        status=SessionStatus.OPEN, created_at__lte=now - after
    ).select_related("sale__organization", "sale__park", "sale__client")
    for session in sessions:
        report.sessions_checked += 1
        _reconcile(session, now, report)
    for refund in ProviderRefund.objects.filter(
        status__in=(RefundStatus.REQUESTED, RefundStatus.UNREACHABLE),
        created_at__lte=now - dt.timedelta(minutes=1),
    ):
        report.refunds_retried += 1
        submit_refund(refund=refund)
    for refund in ProviderRefund.objects.filter(status=RefundStatus.PENDING).exclude(
        provider_refund_id=""
    ):
        provider = PROVIDERS[refund.provider]
        account = ProviderAccount.objects.filter(
            organization_id=refund.organization_id
        ).first()
        try:
            state = provider.refund_state(
                account=account, refund_id=refund.provider_refund_id
            )
        except (ProviderUnavailable, ProviderRefused) as exc:
            report.errors.append(f"{refund.reference}: {exc}")
            continue
        apply_refund_state(refund=refund, state=state)
    return report


def _reconcile(session: CheckoutSession, now: dt.datetime, report: SweepReport) -> None:
    provider = PROVIDERS.get(session.provider)
    sale = session.sale
    if provider is None:
        return
    account = ProviderAccount.objects.filter(
        organization_id=session.organization_id
    ).first()
    try:
        state = provider.session_state(account=account, session=session)
    except (ProviderUnavailable, ProviderRefused) as exc:
        report.errors.append(f"{session.session_id}: {exc}")
        return
    CheckoutSession.objects.filter(pk=session.pk).update(checked_at=now)
    common: dict[str, Any] = {
        "provider": provider.name,
        "sale_id": sale.public_id,
        "session_id": session.session_id,
    }
    if state.paid:
        result = apply_payment(
            sale=sale,
            provider=provider,
            notification=Notification(
                **common,
                status=PaymentStatus.PAID,
                event_type="sweep.session.paid",
                reference=state.reference,
                amount=state.amount,
                currency=state.currency,
            ),
        )
        report.paid += int(result.changed)
        return
    if state.status == SessionStatus.OPEN and now >= session.expires_at:
        try:
            provider.expire_session(account=account, session_id=session.session_id)
        except (ProviderUnavailable, ProviderRefused) as exc:
            report.errors.append(f"{session.session_id}: {exc}")
            return
        state_status: str = SessionStatus.EXPIRED
    else:
        state_status = state.status
    if state_status == SessionStatus.EXPIRED:
        if sale.status == SaleStatus.PENDING or session.status == SessionStatus.OPEN:
            result = release_sale(
                sale=sale,
                notification=Notification(
                    **common,
                    status=PaymentStatus.EXPIRED,
                    event_type="sweep.session.expired",
                ),
            )
            report.released += int(result.changed)


@task()
def sweep_payments_task() -> dict:
    report = sweep_payments()
    return {
        "sessions_checked": report.sessions_checked,
        "paid": report.paid,
        "released": report.released,
        "refunds_retried": report.refunds_retried,
        "errors": report.errors,
    }
