"""Stripe: Checkout Sessions, signed webhooks and refunds, with the official SDK.

Every call goes through `stripe.StripeClient` built with the organization's
secret key; `settings.STRIPE_API_BASE` points it elsewhere only in tests
(the local stand-in). Webhooks are verified by `stripe.Webhook.construct_event`
with the organization's signing secret before anything is read.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlsplit

import stripe
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.sales.models import Sale

from ..models import CheckoutSession, ProviderAccount
from .base import (
    InvalidNotification,
    Notification,
    PaymentProvider,
    PaymentStatus,
    ProviderRefused,
    ProviderUnavailable,
    RefundState,
    SessionState,
    StartedSession,
    parse_cents,
    to_cents,
)

PAID_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
}
REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed"}


def client(account: ProviderAccount | None) -> stripe.StripeClient:
    """A Stripe client with the organization's secret key. Without one (the
    account was removed while sessions or refunds were still open), Stripe
    cannot be asked: unavailable, which every caller already reports."""
    if account is None or not account.secret_key:
        raise ProviderUnavailable("Aucune clé Stripe n'est enregistrée pour ce compte.")
    base = getattr(settings, "STRIPE_API_BASE", "")
    return stripe.StripeClient(
        account.secret_key,
        base_addresses={"api": base} if base else None,
        # Retries are ours: same idempotency key, then an alert.
        max_network_retries=0,
        http_client=stripe.RequestsClient(
            timeout=getattr(settings, "STRIPE_TIMEOUT_SECONDS", 20)
        ),
    )


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one API call, turning Stripe's errors into ours."""
    try:
        result = function(*args, **kwargs)
        # Plain data from here on: StripeObject is not a dict (`.get`).
        return result.to_dict() if hasattr(result, "to_dict") else result
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise ProviderUnavailable(str(exc.user_message or exc)) from exc
    except stripe.StripeError as exc:
        if exc.http_status is None or exc.http_status >= 500:
            raise ProviderUnavailable(str(exc.user_message or exc)) from exc
        raise ProviderRefused(str(exc.user_message or exc)) from exc


def _sale_id(obj: Mapping) -> uuid.UUID | None:
    value = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("sale")
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class StripeProvider(PaymentProvider):
    name = "stripe"
    label = gettext_lazy("Carte bancaire (Stripe)")

    def start(
        self,
        *,
        account: ProviderAccount | None,
        sale: Sale,
        return_url: str,
        cancel_url: str,
        expires_at: dt.datetime,
    ) -> StartedSession:
        metadata = {
            "sale": str(sale.public_id),
            "organization": sale.organization.slug,
        }
        params = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": to_cents(line.unit_price_incl),
                        "product_data": {"name": line.description},
                    },
                }
                for line in sale.lines.all()
            ],
            # Pending sales get their number once paid: the public id is the
            # reference Stripe and Comptoir share until then.
            "client_reference_id": str(sale.public_id),
            "metadata": metadata,
            "payment_intent_data": {
                "metadata": metadata,
                "description": f"{sale.park.name} · {sale.public_id}",
            },
            "success_url": f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": cancel_url,
            "expires_at": int(expires_at.timestamp()),
            "locale": "fr",
        }
        email = sale.client.email if sale.client else ""
        if email:
            params["customer_email"] = email
        session = _call(
            client(account).v1.checkout.sessions.create,
            params,
            {"idempotency_key": f"comptoir-checkout-{sale.public_id}"},
        )
        return StartedSession(
            url=session["url"],
            session_id=session["id"],
            expires_at=dt.datetime.fromtimestamp(session["expires_at"], tz=dt.UTC),
        )

    def verify(
        self,
        *,
        account: ProviderAccount | None,
        body: bytes,
        headers: Mapping[str, str],
    ) -> Notification:
        if account is None or not account.webhook_secret:
            raise InvalidNotification("no webhook secret configured")
        try:
            event = stripe.Webhook.construct_event(
                body.decode("utf-8"),
                headers.get("Stripe-Signature", ""),
                account.webhook_secret,
                tolerance=getattr(settings, "STRIPE_WEBHOOK_TOLERANCE", 300),
            )
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise InvalidNotification("bad signature") from exc
        except (UnicodeDecodeError, KeyError, IndexError, TypeError) as exc:
            raise InvalidNotification("malformed webhook") from exc
        # Verified: read the same bytes as plain data.
        try:
            data = json.loads(body)
            obj = data["data"]["object"]
            return self._read(event_id=event["id"], event_type=event["type"], obj=obj)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise InvalidNotification("malformed webhook") from exc

    def _read(self, *, event_id: str, event_type: str, obj: Mapping) -> Notification:
        common: dict[str, Any] = {
            "provider": self.name,
            "event_id": event_id,
            "event_type": event_type,
        }
        if event_type in PAID_EVENTS:
            paid = obj.get("payment_status") == "paid"
            return Notification(
                **common,
                status=PaymentStatus.PAID if paid else PaymentStatus.IGNORED,
                reference=str(obj.get("payment_intent") or ""),
                sale_id=_sale_id(obj),
                amount=parse_cents(obj.get("amount_total")),
                currency=str(obj.get("currency") or "").upper(),
                session_id=str(obj["id"]),
            )
        if event_type == "payment_intent.succeeded":
            return Notification(
                **common,
                status=PaymentStatus.PAID,
                reference=str(obj["id"]),
                sale_id=_sale_id(obj),
                amount=parse_cents(obj.get("amount_received")),
                currency=str(obj.get("currency") or "").upper(),
            )
        if event_type == "checkout.session.expired":
            return Notification(
                **common,
                status=PaymentStatus.EXPIRED,
                sale_id=_sale_id(obj),
                session_id=str(obj["id"]),
            )
        if event_type in REFUND_EVENTS:
            return Notification(
                **common,
                status=PaymentStatus.REFUND,
                reference=str(obj.get("payment_intent") or ""),
                refund_id=str(obj["id"]),
                refund_status=str(obj.get("status") or ""),
                refund_reference=str((obj.get("metadata") or {}).get("refund", "")),
                sale_id=_sale_id(obj),
                amount=parse_cents(obj.get("amount")),
                currency=str(obj.get("currency") or "").upper(),
                failure=str(obj.get("failure_reason") or ""),
            )
        if event_type == "charge.refunded":
            return Notification(
                **common,
                status=PaymentStatus.REFUND,
                reference=str(obj.get("payment_intent") or ""),
                sale_id=_sale_id(obj),
            )
        return Notification(**common, status=PaymentStatus.IGNORED)

    def page_origins(self) -> list[str]:
        origins = ["https://checkout.stripe.com"]
        base = getattr(settings, "STRIPE_API_BASE", "")
        if base:
            parts = urlsplit(base)
            origins.append(f"{parts.scheme}://{parts.netloc}")
        return origins

    def session_state(
        self, *, account: ProviderAccount | None, session: CheckoutSession
    ) -> SessionState:
        found = _call(client(account).v1.checkout.sessions.retrieve, session.session_id)
        paid = found.get("status") == "complete" and found.get("payment_status") in (
            "paid",
            "no_payment_required",
        )
        return SessionState(
            status=str(found.get("status")),
            paid=paid,
            reference=str(found.get("payment_intent") or ""),
            amount=parse_cents(found.get("amount_total"))
            if found.get("amount_total") is not None
            else None,
            currency=str(found.get("currency") or "").upper(),
        )

    def expire_session(
        self, *, account: ProviderAccount | None, session_id: str
    ) -> None:
        _call(client(account).v1.checkout.sessions.expire, session_id)

    def refund(
        self,
        *,
        account: ProviderAccount | None,
        payment_reference: str,
        amount: Decimal,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> RefundState:
        refund = _call(
            client(account).v1.refunds.create,
            {
                "payment_intent": payment_reference,
                "amount": to_cents(Decimal(amount)),
                "reason": "requested_by_customer",
                "metadata": metadata,
            },
            {"idempotency_key": idempotency_key},
        )
        return RefundState(
            refund_id=refund["id"],
            status=str(refund.get("status")),
            failure=str(refund.get("failure_reason") or ""),
        )

    def refund_state(
        self, *, account: ProviderAccount | None, refund_id: str
    ) -> RefundState:
        refund = _call(client(account).v1.refunds.retrieve, refund_id)
        return RefundState(
            refund_id=refund["id"],
            status=str(refund.get("status")),
            failure=str(refund.get("failure_reason") or ""),
        )

    def test_connection(self, *, account: ProviderAccount | None) -> str:
        # Asked only of a stored account (`test_provider_connection`).
        account = cast(ProviderAccount, account)
        problems = []
        if not account.publishable_key.startswith("pk_"):
            problems.append(_("la clé publiable doit commencer par « pk_ »"))
        if not (account.secret_key or "").startswith(("sk_", "rk_")):
            problems.append(_("la clé secrète doit commencer par « sk_ » ou « rk_ »"))
        if not (account.webhook_secret or "").startswith("whsec_"):
            problems.append(_("le secret des webhooks doit commencer par « whsec_ »"))
        live = [
            k.split("_")[1:2] for k in (account.publishable_key, account.secret_key)
        ]
        if not problems and live[0] != live[1]:
            problems.append(
                _("les clés publiable et secrète ne sont pas du même mode (test/live)")
            )
        if problems:
            raise ProviderRefused("; ".join(problems))
        balance = _call(client(account).v1.balance.retrieve)
        mode = _("mode réel") if balance.get("livemode") else _("mode test")
        return _("Connexion à Stripe réussie (%(mode)s).") % {"mode": mode}
