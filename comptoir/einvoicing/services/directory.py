"""The PA's directory ("annuaire"): can this buyer receive e-invoices, where."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import DirectoryEntry, EInvoicingSettings
from ..platforms import NotConfigured, platform_for

# The directory changes rarely; a month-old answer is refreshed on next use.
DIRECTORY_TTL = dt.timedelta(days=30)


def directory_entry(
    *,
    organization_id: int,
    siren: str,
    refresh: bool = False,
    now: dt.datetime | None = None,
) -> DirectoryEntry:
    """The cached answer for a SIREN, asking the PA when missing, stale or
    when `refresh` is asked; raises PlatformError when it cannot ask."""
    now = now or timezone.now()
    entry = DirectoryEntry.objects.filter(
        organization_id=organization_id, siren=siren
    ).first()
    if entry is not None and not refresh and entry.looked_up_at > now - DIRECTORY_TTL:
        return entry
    config = EInvoicingSettings.objects.filter(organization_id=organization_id).first()
    if config is None:
        raise NotConfigured("La facturation électronique est désactivée.")
    result = platform_for(config).lookup(siren=siren)
    entry, _ = DirectoryEntry.objects.update_or_create(
        organization_id=organization_id,
        siren=siren,
        defaults={
            "found": result.found,
            "addressing_identifier": result.addressing_identifier,
            "platform": result.platform,
            "name": result.name,
            "looked_up_at": now,
        },
    )
    return entry
