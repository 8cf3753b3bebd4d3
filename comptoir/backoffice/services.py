"""The one write the domain has no service for yet: a group's name and shop.

The online-invoice switch goes through the domain's `set_online_invoices`;
this only saves the other settings of the group form and audits them.
(Candidate for comptoir.customers.services.)
"""

from __future__ import annotations

from django.db import transaction

from comptoir.core import audit
from comptoir.customers.models import CustomerGroup
from comptoir.customers.services import set_online_invoices


@transaction.atomic
def save_group_settings(*, form, actor) -> CustomerGroup:
    """Create or update a group from a valid GroupForm, with its audit trail."""
    creating = form.instance.pk is None
    enabled = form.cleaned_data["online_invoices"]
    group = form.save(commit=False)
    if creating:
        group.online_invoices = False
        group.save()
        audit.record(group, "customers.group.created", actor=actor)
    else:
        group.online_invoices = CustomerGroup.objects.get(pk=group.pk).online_invoices
        group.save(update_fields=["name", "private_shop"])
        changed = [name for name in form.changed_data if name != "online_invoices"]
        if changed:
            audit.record(
                group,
                "customers.group.updated",
                actor=actor,
                data={
                    "fields": changed,
                    "name": group.name,
                    "private_shop": group.private_shop,
                },
            )
    set_online_invoices(group=group, enabled=enabled, actor=actor)
    return group
