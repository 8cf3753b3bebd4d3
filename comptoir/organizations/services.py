"""Writes of the organizations domain: a park's settings.

A park's settings are the seller its next invoices name. Issued documents
keep their own copy (the snapshot), so a change here only shows on the next
ones; the invoice series code is frozen once the park has issued anything.

The series code is the park's setting, but its counters belong to
invoicing: changing the code calls `hooks.series_changing`, where invoicing
locks them.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.files import File
from django.db import transaction

from comptoir.core import audit

from . import hooks
from .models import PARK_IDENTITY_FIELDS, PARK_SETTINGS_FIELDS, Park, User

UPDATED = "organizations.park.updated"
# Settings whose before and after the audit trail keeps: the seller's
# identity and what decides its numbering and mentions, not its address.
AUDITED_VALUES = frozenset(PARK_IDENTITY_FIELDS) | {
    "invoice_series",
    "vat_on_debits",
    "require_buyer_siren",
}


class SeriesLocked(Exception):
    """The park issued a document: its series code can no longer change."""


def has_documents(park: Park) -> bool:
    """Whether the park issued any invoice or credit note."""
    return park.invoices.exists()


def _plain(value: object) -> str | bool:
    return value if isinstance(value, bool) else str(value or "")


@transaction.atomic
def update_park_settings(
    *,
    park: Park,
    values: Mapping[str, object],
    logo: File | None = None,
    remove_logo: bool = False,
    actor: User | None,
) -> Park:
    """Save validated settings of `park` and record what changed.

    `values` maps settings (`PARK_SETTINGS_FIELDS`) to their new, validated
    values; `logo` is a new logo file, already sanitised
    (`logos.sanitised_logo`); `remove_logo` drops the stored one. A new
    series code is refused with `SeriesLocked` once the park has issued a
    document: the invoice counters are locked first, so no first document
    can slip in between the check and the save.
    """
    unknown = set(values) - set(PARK_SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not park settings: {', '.join(sorted(unknown))}")
    stored = Park.objects.get(pk=park.pk)
    before = {name: _plain(getattr(stored, name)) for name in values}
    # "852 345 677" for "852345677" is no change: compare plain values.
    changed = [name for name in values if before[name] != _plain(values[name])]
    if logo is not None or (remove_logo and stored.logo):
        changed.append("logo")
    if "invoice_series" in changed:
        hooks.series_changing.call(stored)
        if has_documents(stored):
            raise SeriesLocked
    for name, value in values.items():
        setattr(stored, name, value)
    if logo is not None:
        stored.logo = logo
    elif remove_logo:
        stored.logo = ""
    stored.save()
    if changed:
        audit.record(
            stored,
            UPDATED,
            actor=actor,
            data={
                "fields": sorted(set(changed)),
                "values": {
                    name: [before[name], _plain(getattr(stored, name))]
                    for name in changed
                    if name in AUDITED_VALUES
                },
                "logo": stored.logo.name if stored.logo else "",
            },
        )
    return stored
