"""What Comptoir expects of a payment provider (PSP).

A provider takes the buyer away to its own payment page (`start`), then
tells Comptoir, server to server, what happened (`verify`): a notification
is trusted only once its signature checks out. Only then does the shop
record the payment (`receive_notification`).
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest

from comptoir.sales.models import PaymentMethod, Sale


class PaymentStatus:
    PAID = "paid"
    REFUSED = "refused"
    CANCELLED = "cancelled"

    ALL = (PAID, REFUSED, CANCELLED)


class InvalidNotification(Exception):
    """A notification whose signature or content cannot be trusted."""


@dataclass(frozen=True)
class Notification:
    """A verified message from the provider about one payment attempt."""

    provider: str
    reference: str  # the provider's transaction id
    sale_id: uuid.UUID  # the sale's public id
    amount: Decimal
    currency: str
    status: str


class PaymentProvider(ABC):
    name: str
    label: str
    method: str = PaymentMethod.ONLINE_CARD

    @abstractmethod
    def start(self, *, request: HttpRequest, sale: Sale, return_url: str) -> str:
        """The address of the provider's payment page for this sale."""

    @abstractmethod
    def verify(self, *, body: bytes, headers: Mapping[str, str]) -> Notification:
        """Check the signature of a raw notification and read it.

        Raises `InvalidNotification` when anything is wrong with it.
        """
