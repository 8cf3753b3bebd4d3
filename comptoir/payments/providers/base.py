"""What Comptoir expects of a payment provider (PSP).

A provider takes the buyer away to its own payment page (`start`), then
tells Comptoir, server to server, what happened (`verify`): a notification
is trusted only once its signature checks out. Comptoir can also ask it
where a payment session stands (`session_state`, for the sweep), close one
(`expire_session`), and give money back (`refund`, `refund_state`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from comptoir.sales.models import PaymentMethod, Sale

from ..models import CheckoutSession, ProviderAccount

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class PaymentStatus:
    """What a verified notification says happened."""

    PAID = "paid"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # the payment session closed unpaid
    REFUND = "refund"  # news about a refund
    IGNORED = "ignored"  # a genuine event Comptoir has nothing to do with

    ALL = (PAID, REFUSED, CANCELLED)


class InvalidNotification(Exception):
    """A notification whose signature or content cannot be trusted."""


class ProviderUnavailable(Exception):
    """The provider could not be reached or failed (network, 5xx): retry."""


class ProviderRefused(Exception):
    """The provider answered no (bad key, refund refused…), with its reason."""


# A notification amount: digits, at most two decimals, below ten billion.
# Anything else (sNaN, Infinity, 1e3, 40 digits) is malformed, not a number
# to compare.
AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")


def parse_amount(value: object) -> Decimal:
    """A money amount from a notification; `InvalidNotification` otherwise."""
    text = str(value)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidNotification("malformed amount")
    if not AMOUNT.match(text):
        raise InvalidNotification("malformed amount")
    return Decimal(text).quantize(Decimal("0.01"))


def parse_cents(value: object) -> Decimal:
    """An amount in cents (Stripe's integers) as euros."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidNotification("malformed amount")
    if not 0 <= value < 10**12:
        raise InvalidNotification("malformed amount")
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


@dataclass(frozen=True)
class Notification:
    """A verified message from the provider."""

    provider: str
    status: str
    event_id: str = ""  # the provider's event id: a redelivery has the same
    event_type: str = ""
    reference: str = ""  # the provider's transaction id (Stripe: PaymentIntent)
    sale_id: uuid.UUID | None = None  # the sale's public id
    amount: Decimal | None = None
    currency: str = ""
    session_id: str = ""
    refund_id: str = ""
    refund_status: str = ""
    refund_reference: str = ""  # ours, from the refund's metadata
    failure: str = ""


@dataclass(frozen=True)
class StartedSession:
    url: str
    session_id: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class SessionState:
    status: str  # SessionStatus: open, complete, expired
    paid: bool
    reference: str = ""
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class RefundState:
    refund_id: str
    status: str  # pending, succeeded, failed, canceled, requires_action
    failure: str = ""


class PaymentProvider(ABC):
    name: str
    label: str | StrPromise
    method: str = PaymentMethod.ONLINE_CARD
    # True when it takes real money (the simulator does not).
    real: bool = True

    @abstractmethod
    def start(
        self,
        *,
        account: ProviderAccount | None,
        sale: Sale,
        return_url: str,
        cancel_url: str,
        expires_at: dt.datetime,
    ) -> StartedSession:
        """Open a payment session for this sale; its page's address."""

    @abstractmethod
    def verify(
        self,
        *,
        account: ProviderAccount | None,
        body: bytes,
        headers: Mapping[str, str],
    ) -> Notification:
        """Check the signature of a raw notification and read it.

        Raises `InvalidNotification` when anything is wrong with it.
        """

    @abstractmethod
    def session_state(
        self, *, account: ProviderAccount | None, session: CheckoutSession
    ) -> SessionState:
        """Where a payment session stands, asked of the provider."""

    @abstractmethod
    def expire_session(
        self, *, account: ProviderAccount | None, session_id: str
    ) -> None:
        """Close an open payment session so that it can no longer be paid."""

    @abstractmethod
    def refund(
        self,
        *,
        account: ProviderAccount | None,
        payment_reference: str,
        amount: Decimal,
        idempotency_key: str,
        metadata: dict[str, str],
    ) -> RefundState:
        """Ask for money back on a payment; the same key never refunds twice."""

    @abstractmethod
    def refund_state(
        self, *, account: ProviderAccount | None, refund_id: str
    ) -> RefundState:
        """Where a refund stands, asked of the provider."""

    def page_origins(self) -> list[str]:
        """Origins of its payment page: the checkout form's CSP must allow
        a redirect there (`form-action`)."""
        return []

    def test_connection(self, *, account: ProviderAccount | None) -> str:
        """A sentence saying the keys work; raises `ProviderRefused` or
        `ProviderUnavailable` when they do not."""
        return ""
