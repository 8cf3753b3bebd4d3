"""A simulated card payment provider, built in for demos and tests.

It behaves like a real PSP: the buyer is sent to its payment page, chooses
to pay, to be refused or to give up, and the "provider" then notifies
Comptoir server to server with a body signed by HMAC-SHA256 over a secret
shared with Comptoir (`settings.PAYMENT_SIMULATOR_SECRET`). See
docs/payments.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.sales.models import Sale

from .base import InvalidNotification, Notification, PaymentProvider, PaymentStatus

SIGNATURE_HEADER = "X-Simulator-Signature"
SESSION_SALT = "comptoir.shop.payments.simulator"
SESSION_MAX_AGE = 60 * 60  # a payment page stays open one hour


def _secret() -> bytes:
    return settings.PAYMENT_SIMULATOR_SECRET.encode()


def sign(body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body: what the provider sends with it."""
    return hmac.new(_secret(), body, hashlib.sha256).hexdigest()


class SimulatorProvider(PaymentProvider):
    name = "simulator"
    label = _("Carte bancaire (paiement simulé)")

    def start(self, *, request: HttpRequest, sale: Sale, return_url: str) -> str:
        token = open_session(
            organization_slug=sale.organization.slug,
            merchant=sale.park.name,
            sale_id=sale.public_id,
            amount=sale.total_incl,
            return_url=return_url,
        )
        return reverse(
            "shop:simulator",
            kwargs={"org_slug": sale.organization.slug, "token": token},
        )

    def verify(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        given = headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), sign(body).encode()):
            raise InvalidNotification("bad signature")
        try:
            data = json.loads(body)
            notification = Notification(
                provider=self.name,
                reference=str(data["transaction_id"]),
                sale_id=uuid.UUID(str(data["sale"])),
                amount=Decimal(str(data["amount"])),
                currency=str(data["currency"]),
                status=str(data["status"]),
            )
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise InvalidNotification("malformed notification") from exc
        if notification.status not in PaymentStatus.ALL or not notification.reference:
            raise InvalidNotification("unknown status")
        if notification.currency != "EUR":
            raise InvalidNotification("unexpected currency")
        return notification


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
