"""Reads of the accounting domain, scoped to an organization."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AccountSetting, ExportJob


def exports_of(organization_id: int) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(organization_id=organization_id).select_related(
        "park", "requested_by"
    )


def account_settings_of(park_id: int) -> QuerySet[AccountSetting]:
    return AccountSetting.objects.filter(park_id=park_id)
