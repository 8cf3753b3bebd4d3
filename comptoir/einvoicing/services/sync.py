"""The periodic sweep (`manage.py einvoicing_sync`, every few minutes)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..models import EInvoicingSettings, Mode
from .reporting import sync_reports
from .transmission import sync_organization


def sync(*, organization_id: int | None = None, now: dt.datetime | None = None) -> dict:
    """Queue, retry, poll and report for every organization with e-invoicing on."""
    now = now or timezone.now()
    totals = {"queued": 0, "submitted": 0, "polled": 0, "cashed": 0, "reports": 0}
    configs = EInvoicingSettings.objects.exclude(mode=Mode.OFF)
    if organization_id is not None:
        configs = configs.filter(organization_id=organization_id)
    for config in configs:
        for key, value in sync_organization(config=config, now=now).items():
            totals[key] += value
        totals["reports"] += sync_reports(config=config, now=now)
    return totals
