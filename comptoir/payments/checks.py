"""Deployment checks: no free payments in production."""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from comptoir.catalog.models import Product
from comptoir.organizations.models import Organization

from .models import ProviderAccount

DEV_SIMULATOR_SECRET = "dev-simulator-secret-change-me"


@checks.register(checks.Tags.security, deploy=True)
def check_payment_simulator(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """The simulator, when a site allows it, must not sign with a known secret."""
    if not getattr(settings, "PAYMENT_SIMULATOR_ENABLED", False):
        return []
    secret = getattr(settings, "PAYMENT_SIMULATOR_SECRET", "") or ""
    if secret in ("", DEV_SIMULATOR_SECRET) or len(secret) < 32:
        return [
            checks.Error(
                "The payment simulator is enabled with the default or an empty "
                "secret: anyone can sign a 'paid' notification.",
                hint="Unset COMPTOIR_ALLOW_PAYMENT_SIMULATOR (production), or set "
                "PAYMENT_SIMULATOR_SECRET to a random value of at least 32 "
                "characters on a staging site.",
                id="comptoir.payments.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_online_sellers_have_a_provider(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Every organization that sells online takes real money through a
    configured provider."""
    try:
        selling = list(
            Organization.objects.filter(
                pk__in=Product.objects.filter(active=True).values("organization_id")
            ).order_by("slug")
        )
        accounts = {
            a.organization_id: a
            for a in ProviderAccount.objects.filter(organization__in=selling)
        }
    except DatabaseError:
        # No database yet (a fresh deployment before migrate): nothing sells.
        return []
    missing = [
        o.slug for o in selling if not (accounts.get(o.pk) and accounts[o.pk].is_real)
    ]
    if not missing:
        return []
    return [
        checks.Error(
            "Organizations sell online without a real payment provider: "
            + ", ".join(missing),
            hint="Configure Stripe in the back office (Paiement en ligne) for "
            "each of them.",
            id="comptoir.payments.E002",
        )
    ]
