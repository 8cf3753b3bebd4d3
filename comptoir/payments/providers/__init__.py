"""Payment providers the shop can send buyers to.

`settings.SHOP_PAYMENT_PROVIDER` names the one used at checkout (the
simulated card provider by default); any registered provider may notify.
"""

from __future__ import annotations

from django.conf import settings

from .base import InvalidNotification, Notification, PaymentProvider, PaymentStatus
from .simulator import SimulatorProvider

PROVIDERS: dict[str, PaymentProvider] = {
    provider.name: provider for provider in (SimulatorProvider(),)
}


def get_provider(name: str) -> PaymentProvider | None:
    return PROVIDERS.get(name)


def checkout_provider() -> PaymentProvider:
    return PROVIDERS[getattr(settings, "SHOP_PAYMENT_PROVIDER", "simulator")]


__all__ = [
    "InvalidNotification",
    "Notification",
    "PaymentProvider",
    "PaymentStatus",
    "checkout_provider",
    "get_provider",
]
