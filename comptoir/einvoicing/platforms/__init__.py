"""The one interface Comptoir uses to talk to an approved platform (PA).

Everything else in the app calls `submit`, `find`, `status`, `lookup` and
`healthcheck` on the object `platform_for(settings)` returns; a PA with its
own API (not AFNOR XP Z12-013) is one more module here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from ..models import EInvoicingSettings, Mode


class PlatformError(Exception):
    """The PA could not be reached or answered unexpectedly: try again later."""

    retryable = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlatformRefused(PlatformError):
    """The PA refused the content itself: the same flow would be refused again."""

    retryable = False


class ConfigurationError(PlatformError):
    """Wrong address or credentials: retried once an operator fixed them."""


class NotConfigured(ConfigurationError):
    """E-invoicing is off or lacks its address."""


@dataclass(frozen=True)
class SubmittedFlow:
    flow_id: str
    tracking_id: str
    submitted_at: dt.datetime | None = None


@dataclass(frozen=True)
class LifecycleEvent:
    code: str
    occurred_at: dt.datetime
    reason: str = ""


@dataclass(frozen=True)
class FlowStatus:
    """A flow's acknowledgement (Pending / Ok / Error) and its statuses."""

    ack: str
    reason: str = ""
    events: list[LifecycleEvent] = field(default_factory=list)


@dataclass(frozen=True)
class DirectoryResult:
    siren: str
    found: bool
    addressing_identifier: str = ""
    platform: str = ""
    name: str = ""


class Platform(Protocol):
    def healthcheck(self) -> str: ...

    def submit(
        self,
        *,
        content: bytes,
        name: str,
        syntax: str,
        tracking_id: str,
        profile: str = "",
        processing_rule: str = "",
    ) -> SubmittedFlow: ...

    def find(self, *, tracking_id: str) -> SubmittedFlow | None: ...

    def status(self, *, flow_id: str, tracking_id: str) -> FlowStatus: ...

    def lookup(self, *, siren: str) -> DirectoryResult: ...


def platform_for(config: EInvoicingSettings) -> Platform:
    """The PA client of an organization's setting (AFNOR XP Z12-013 API)."""
    from .afnor import AfnorPlatform

    if config.mode == Mode.OFF:
        raise NotConfigured(_("La facturation électronique est désactivée."))
    base_url = config.base_url
    if not base_url:
        if config.mode == Mode.TEST and getattr(
            django_settings, "EINVOICING_LOCAL_STANDIN", False
        ):
            from ..standin import local_standin

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
