"""A simulated card payment provider, built in for demos and tests.

It behaves like a real PSP: the buyer is sent to its payment page, chooses
to pay, to be refused or to give up, and the "provider" then notifies
Comptoir server to server with a body signed by HMAC-SHA256 over a secret
shared with Comptoir (`settings.PAYMENT_SIMULATOR_SECRET`). See
docs/payments.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.sales.models import Sale, SaleStatus

from ..models import CheckoutSession, ProviderAccount
from .base import (
    InvalidNotification,
    Notification,
    PaymentProvider,
    PaymentStatus,
    RefundState,
    SessionState,
    StartedSession,
    parse_amount,
)

SIGNATURE_HEADER = "X-Simulator-Signature"
SESSION_SALT = "comptoir.shop.payments.simulator"
SESSION_MAX_AGE = 60 * 60  # a payment page stays open one hour


def _secret() -> bytes:
    return settings.PAYMENT_SIMULATOR_SECRET.encode()


def sign(body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body: what the provider sends with it."""
    return hmac.new(_secret(), body, hashlib.sha256).hexdigest()


def enabled() -> bool:
    """The simulator takes no money: production allows it only on purpose."""
    return bool(getattr(settings, "PAYMENT_SIMULATOR_ENABLED", False))


class SimulatorProvider(PaymentProvider):
    name = "simulator"
    label = _("Carte bancaire (paiement simulé)")
    real = False

    def start(
        self,
        *,
        account: ProviderAccount | None,
        sale: Sale,
        return_url: str,
        cancel_url: str,
        expires_at: dt.datetime,
    ) -> StartedSession:
        token = open_session(
            organization_slug=sale.organization.slug,
            merchant=sale.park.name,
            sale_id=sale.public_id,
            amount=sale.total_incl,
            return_url=return_url,
        )
        url = reverse(
            "shop:simulator",
            kwargs={"org_slug": sale.organization.slug, "token": token},
        )
        return StartedSession(
            url=url,
            session_id=transaction_id(token),
            expires_at=timezone.now() + dt.timedelta(seconds=SESSION_MAX_AGE),
        )

    def verify(
        self,
        *,
        account: ProviderAccount | None,
        body: bytes,
        headers: Mapping[str, str],
    ) -> Notification:
        given = headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), sign(body).encode()):
            raise InvalidNotification("bad signature")
        try:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            status = str(data["status"])
            reference = str(data["transaction_id"])
            notification = Notification(
                provider=self.name,
                status=status,
                event_id=f"{reference}:{status}",
                event_type=f"simulator.{status}",
                reference=reference,
                session_id=reference,
                sale_id=uuid.UUID(str(data["sale"])),
                amount=parse_amount(data["amount"]),
                currency=str(data["currency"]),
            )
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise InvalidNotification("malformed notification") from exc
        if notification.status not in PaymentStatus.ALL or not notification.reference:
            raise InvalidNotification("unknown status")
        return notification

    def session_state(
        self, *, account: ProviderAccount | None, session: CheckoutSession
    ) -> SessionState:
        # The simulator keeps no state of its own: the session is paid when
        # its transaction is recorded, and dead once its token has expired.
        sale = session.sale
        paid = sale.payments.filter(reference=session.session_id).first()
        if paid is not None:
            return SessionState(
                status="complete",
                paid=True,
                reference=paid.reference,
                amount=paid.amount,
                currency="EUR",
            )
        if sale.status == SaleStatus.ABANDONED or timezone.now() >= session.expires_at:
            return SessionState(status="expired", paid=False)
        return SessionState(status="open", paid=False)

    def expire_session(
        self, *, account: ProviderAccount | None, session_id: str
    ) -> None:
        # Its token cannot be revoked; the abandoned sale refuses payment.
        return None

    def refund(
        self,
        *,
        account: ProviderAccount | None,
        payment_reference: str,
        amount: Decimal,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> RefundState:
        digest = hmac.new(_secret(), idempotency_key.encode(), hashlib.sha256)
        return RefundState(
            refund_id=f"simre_{digest.hexdigest()[:24]}", status="succeeded"
        )

    def refund_state(
        self, *, account: ProviderAccount | None, refund_id: str
    ) -> RefundState:
        return RefundState(refund_id=refund_id, status="succeeded")

    def test_connection(self, *, account: ProviderAccount | None) -> str:
        return str(_("Simulateur : aucun argent réel n'est encaissé."))


# The "provider" side: its payment session and its notifications.


def open_session(
    *,
    organization_slug: str,
    merchant: str,
    sale_id: uuid.UUID,
    amount: Decimal,
    return_url: str,
) -> str:
    """A payment session, as a signed token in the payment page's address."""
    return signing.dumps(
        {
            "org": organization_slug,
            "merchant": merchant,
            "sale": str(sale_id),
            "amount": f"{amount:.2f}",
            "return": return_url,
        },
        salt=SESSION_SALT,
    )


def read_session(token: str) -> dict:
    """The session behind a token; raises `signing.BadSignature` if forged
    and `signing.SignatureExpired` after an hour."""
    return signing.loads(token, salt=SESSION_SALT, max_age=SESSION_MAX_AGE)


def transaction_id(token: str) -> str:
    """One transaction per payment session: a double click is a replay."""
    digest = hmac.new(_secret(), token.encode(), hashlib.sha256).hexdigest()
    return f"sim_{digest[:24]}"


def build_notification(*, token: str, status: str) -> tuple[bytes, dict[str, str]]:
    """The signed body and headers the provider posts to Comptoir."""
    session = read_session(token)
    body = json.dumps(
        {
            "transaction_id": transaction_id(token),
            "sale": session["sale"],
            "amount": session["amount"],
            "currency": "EUR",
            "status": status,
        },
        sort_keys=True,
    ).encode()
    return body, {SIGNATURE_HEADER: sign(body), "Content-Type": "application/json"}
