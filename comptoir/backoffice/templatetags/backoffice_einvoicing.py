"""Back-office panels of e-invoicing: a sale's documents and a client record."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from comptoir.core.clock import DEFAULT_TIME_ZONE
from comptoir.customers.models import Client
from comptoir.einvoicing.selectors import (
    directory_entry_of,
    settings_for,
    transmissions_for_documents,
)
from comptoir.invoicing.models import Invoice

register = template.Library()


@register.inclusion_tag("backoffice/einvoicing/_transmissions.html")
def einvoice_transmissions(
    documents: Iterable[Invoice], time_zone: str = DEFAULT_TIME_ZONE
) -> dict[str, object]:
    return {
        "rows": transmissions_for_documents(list(documents)),
        "time_zone": time_zone,
    }


@register.inclusion_tag("backoffice/einvoicing/_directory.html", takes_context=True)
def einvoice_directory(context: template.Context, client: Client) -> dict[str, object]:
    return {
        "client": client,
        "enabled": settings_for(client.organization).is_enabled,
        "entry": directory_entry_of(client),
        "csrf_token": context.get("csrf_token"),
    }
