"""A snapshot of every business row, to prove a refused request wrote nothing."""

from __future__ import annotations

import re

from comptoir.alerts.models import Alert
from comptoir.catalog.models import GroupPrice, Product
from comptoir.core.models import AuditEvent, Counter
from comptoir.customers.models import Client, CustomerGroup
from comptoir.invoicing.models import Invoice
from comptoir.organizations.models import Organization, Park, User
from comptoir.sales.models import (
    Booking,
    GiftVoucher,
    Payment,
    Sale,
    SaleLine,
    Ticket,
)

MODELS = [
    Organization,
    Park,
    User,
    Client,
    Client.groups.through,
    CustomerGroup,
    Product,
    GroupPrice,
    Sale,
    SaleLine,
    Payment,
    Ticket,
    Booking,
    GiftVoucher,
    Invoice,
    Alert,
    Counter,
    AuditEvent,
]


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of the business tables, field by field."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in MODELS
    }


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


# Tables a refused visitor may still write to: its own session, and
# django-axes' record of login attempts.
BOOKKEEPING_TABLES = ("django_session", "organizations_session", "axes_")
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def business_writes(queries) -> list[str]:
    """The write statements among captured queries that touch business rows."""
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and not match.group(2).startswith(BOOKKEEPING_TABLES):
            found.append(query["sql"][:120])
    return found
