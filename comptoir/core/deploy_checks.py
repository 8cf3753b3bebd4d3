"""Deployment checks for the production trust settings (docs/security.md)."""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from .mail import mail_configured


@checks.register(checks.Tags.security, deploy=True)
def check_integrity_key(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """The invoices' chain must be sealed with a key only the servers hold."""
    key = getattr(settings, "COMPTOIR_INTEGRITY_KEY", "") or ""
    if key == settings.DEV_INTEGRITY_KEY or len(key) < 32:
        return [
            checks.Error(
                "Invoices would be sealed with the development integrity key "
                "or a key that is too short.",
                hint="Set COMPTOIR_INTEGRITY_KEY to a random value of at least "
                "32 characters, kept out of the database (README, Production).",
                id="comptoir.E101",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_mail(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Invitations and password resets need an SMTP server from the environment."""
    if not mail_configured():
        return [
            checks.Error(
                "No SMTP server is configured: invitations and password "
                "resets would not be sent.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, "
                "EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).",
                id="comptoir.E102",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_proxy_header(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Login throttling must know which header carries the client's address."""
    if not getattr(settings, "COMPTOIR_TRUSTED_PROXY_HEADER", ""):
        return [
            checks.Error(
                "The header the TLS proxy sets with the client's address is "
                "not configured: every login would share the proxy's address.",
                hint="Set COMPTOIR_TRUSTED_PROXY_HEADER (e.g. X-Forwarded-For, "
                "with COMPTOIR_TRUSTED_PROXY_COUNT proxies), or REMOTE_ADDR "
                "when no proxy stands in front.",
                id="comptoir.E103",
            )
        ]
    return []
