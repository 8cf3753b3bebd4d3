"""The organization's "Facturation électronique" setting and its connection test."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from comptoir.core import audit
from comptoir.core.clock import DEFAULT_TIME_ZONE, business_date
from comptoir.organizations.models import Organization, User

from ..models import EInvoicingSettings, Mode
from ..platforms import PlatformError, platform_for

PLAIN_FIELDS = ("mode", "base_url", "directory_url", "reporting_period")


@dataclass(frozen=True)
class SettingsInput:
    mode: str
    base_url: str
    directory_url: str
    reporting_period: str
    # None keeps the stored secret (the form never shows it back).
    api_key: str | None = None
    webhook_secret: str | None = None


def settings_of(organization: Organization) -> EInvoicingSettings:
    """The organization's setting, created off on first read."""
    config, _ = EInvoicingSettings.objects.get_or_create(organization=organization)
    return config


@transaction.atomic
def update_settings(
    *,
    organization: Organization,
    data: SettingsInput,
    actor: User | AnonymousUser | None = None,
) -> EInvoicingSettings:
    """Save the setting; the audit trail names the fields changed, never a secret."""
    config = (
        EInvoicingSettings.objects.select_for_update()
        .filter(organization=organization)
        .first()
    ) or EInvoicingSettings(organization=organization)
    was_off = config.mode == Mode.OFF
    changed = []
    for name in PLAIN_FIELDS:
        if getattr(config, name) != getattr(data, name):
            setattr(config, name, getattr(data, name))
            changed.append(name)
    for name in ("api_key", "webhook_secret"):
        value = getattr(data, name)
        if value is not None and value != getattr(config, name):
            setattr(config, name, value)
            changed.append(name)
    if was_off and config.mode != Mode.OFF:
        # Documents issued from now on are transmitted, not the past ones.
        config.enabled_at = timezone.now()
        if config.reporting_since is None:
            park = organization.parks.first()
            tz = park.time_zone if park else DEFAULT_TIME_ZONE
            config.reporting_since = business_date(config.enabled_at, tz)
    config.save()
    audit.record(
        config,
        "einvoicing.settings.updated",
        actor=actor,
        organization=organization,
        data={"fields": changed, "mode": config.mode},
    )
    return config


def test_connection(
    *, organization: Organization, actor: User | AnonymousUser | None = None
) -> tuple[bool, str]:
    """Call the PA's healthcheck; the answer is kept in the audit trail."""
    config = settings_of(organization)
    try:
        message = platform_for(config).healthcheck()
        ok = True
    except PlatformError as exc:
        message, ok = exc.message, False
    audit.record(
        config,
        "einvoicing.settings.tested",
        actor=actor,
        organization=organization,
        data={"ok": ok, "message": message},
    )
    return ok, message
