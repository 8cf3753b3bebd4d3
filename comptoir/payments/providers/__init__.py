"""Payment providers, one module each; the registry that knows them.

Adding a provider (Mollie, PayPlug…) is one module here implementing
`PaymentProvider`, registered below, plus its choice in `ProviderName`.
"""

from __future__ import annotations

from .base import (
    InvalidNotification,
    Notification,
    PaymentProvider,
    PaymentStatus,
    ProviderRefused,
    ProviderUnavailable,
)
from .simulator import SimulatorProvider
from .simulator import enabled as simulator_enabled
from .stripe import StripeProvider

PROVIDERS: dict[str, PaymentProvider] = {
    provider.name: provider for provider in (SimulatorProvider(), StripeProvider())
}


def get_provider(name: str) -> PaymentProvider | None:
    """The provider of that name, unless it is the simulator where the site
    does not allow it (production)."""
    provider = PROVIDERS.get(name)
    if provider is not None and not provider.real and not simulator_enabled():
        return None
    return provider


__all__ = [
    "InvalidNotification",
    "Notification",
    "PaymentProvider",
    "PaymentStatus",
    "ProviderRefused",
    "ProviderUnavailable",
    "get_provider",
    "simulator_enabled",
]
