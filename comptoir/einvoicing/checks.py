"""Deployment check: the local PA stand-in never serves production."""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_local_standin(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    if getattr(settings, "EINVOICING_LOCAL_STANDIN", False):
        return [
            checks.Error(
                "The local e-invoicing platform stand-in is enabled.",
                hint="It fakes an approved platform: invoices sent to it reach "
                "nobody. Unset COMPTOIR_EINVOICING_LOCAL_STANDIN.",
                id="comptoir.einvoicing.E001",
            )
        ]
    return []
