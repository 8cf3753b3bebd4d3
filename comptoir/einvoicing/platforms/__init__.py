"""The one interface Comptoir uses to talk to an approved platform (PA).

Everything else in the app calls `submit`, `find`, `status`, `lookup` and
`healthcheck` on the object `platform_for(settings)` returns; a PA with its
own API (not AFNOR XP Z12-013) is one more module here.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from ..models import EInvoicingSettings, Mode
from ..standin import local_standin
from .afnor import AfnorPlatform
from .base import (
    ConfigurationError,
    DirectoryResult,
    FlowStatus,
    LifecycleEvent,
    NotConfigured,
    Platform,
    PlatformError,
    PlatformRefused,
    SubmittedFlow,
)

__all__ = [
    "ConfigurationError",
    "DirectoryResult",
    "FlowStatus",
    "LifecycleEvent",
    "NotConfigured",
    "Platform",
    "PlatformError",
    "PlatformRefused",
    "SubmittedFlow",
    "platform_for",
]


def platform_for(config: EInvoicingSettings) -> Platform:
    """The PA client of an organization's setting (AFNOR XP Z12-013 API)."""
    if config.mode == Mode.OFF:
        raise NotConfigured(_("La facturation électronique est désactivée."))
    base_url = config.base_url
    if not base_url:
        if config.mode == Mode.TEST and getattr(
            django_settings, "EINVOICING_LOCAL_STANDIN", False
        ):
            standin = local_standin()
            base_url = standin.url
            if config.webhook_secret and getattr(
                django_settings, "EINVOICING_STANDIN_WEBHOOKS", False
            ):
                # The stand-in notifies this development site, like a PA would.
                standin.webhook_url = (
                    f"{django_settings.SITE_URL}/einvoicing/webhook/"
                    f"{config.organization.slug}/"
                )
                standin.webhook_secret = config.webhook_secret
                with standin.lock:
                    standin._save()
        else:
            raise NotConfigured(
                _("Renseignez l'adresse de l'API de la plateforme agréée.")
            )
    return AfnorPlatform(
        base_url=base_url,
        directory_url=config.directory_url or base_url,
        api_key=config.api_key,
    )
