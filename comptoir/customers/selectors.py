"""Reads about clients: completeness for invoicing, eligibility, scoping."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.organizations.models import Park

from .models import Client, CustomerGroup
from .text import is_blank

# The product note's list: "la Raison sociale, l'adresse postale, le CP et la ville".
INVOICE_REQUIRED_FIELDS: dict[str, str] = {
    "company_name": _("Raison sociale"),
    "address": _("Adresse"),
    "postcode": _("Code postal"),
    "city": _("Ville"),
}
SIREN_FIELD = ("siret", _("SIREN / SIRET"))


def required_invoice_fields(park: Park | None) -> dict[str, str]:
    """Fields a client record needs before an invoice can be issued at `park`."""
    fields = dict(INVOICE_REQUIRED_FIELDS)
    if park is not None and park.require_buyer_siren:
        fields[SIREN_FIELD[0]] = SIREN_FIELD[1]
    return fields


def missing_invoice_fields(client: Client, park: Park | None = None) -> list[str]:
    """Names of the fields still missing for an invoice; empty when complete.

    The one completeness rule every caller uses (issuing, alerts, screens).
    """
    missing = []
    for field, _label in required_invoice_fields(park).items():
        if field == "siret":
            if not client.siren:
                missing.append(field)
        elif is_blank(getattr(client, field)):
            missing.append(field)
    return missing


def field_labels(fields: list[str]) -> list[str]:
    labels = {**INVOICE_REQUIRED_FIELDS, SIREN_FIELD[0]: SIREN_FIELD[1]}
    return [str(labels.get(f, f)) for f in fields]


def is_online_invoice_eligible(client: Client) -> bool:
    """A client belongs to at least one group whose online invoices are on."""
    return client.groups.filter(online_invoices=True).exists()


def clients_of(organization_id: int) -> QuerySet[Client]:
    return Client.objects.filter(organization_id=organization_id)


def groups_of(organization_id: int) -> QuerySet[CustomerGroup]:
    return CustomerGroup.objects.filter(organization_id=organization_id)
