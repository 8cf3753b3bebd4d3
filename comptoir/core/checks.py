"""Deployment checks: what exists for development must not reach production."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_key(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Secrets at rest must not be encrypted with the key in the repository."""
    keys = getattr(settings, "SALT_KEY", None) or []
    if isinstance(keys, str):
        keys = [keys]
    if not keys or keys[0] == settings.DEV_ENCRYPTION_KEY or len(keys[0]) < 32:
        return [
            checks.Error(
                "Secrets would be encrypted with the development key.",
                hint="Set COMPTOIR_ENCRYPTION_KEYS to a random value of at least "
                "32 characters (newest key first, comma-separated).",
                id="comptoir.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Links in mails are built from SITE_URL: it must be the public site."""
    parts = urlsplit(getattr(settings, "SITE_URL", "") or "")
    local = {"", "localhost", "127.0.0.1", "::1", "0.0.0.0"}
    if parts.scheme != "https" or (parts.hostname or "") in local:
        return [
            checks.Error(
                "SITE_URL is not the public https address of the site: links in "
                f"customer mails would point to {settings.SITE_URL!r}.",
                hint="Set SITE_URL to the address customers use, e.g. "
                "https://comptoir.example.",
                id="comptoir.E040",
            )
        ]
    return []
