"""Reads about clients: completeness for invoicing, eligibility, scoping."""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.organizations.models import Park

from .models import Client, CustomerGroup
from .text import is_blank

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RowT = TypeVar("RowT", bound=models.Model)

# The product note's list: "la Raison sociale, l'adresse postale, le CP et la ville".
INVOICE_REQUIRED_FIELDS: dict[str, StrOrPromise] = {
    "company_name": _("Raison sociale"),
    "address": _("Adresse"),
    "postcode": _("Code postal"),
    "city": _("Ville"),
}
SIREN_FIELD = ("siret", _("SIREN / SIRET"))


def required_invoice_fields(park: Park | None) -> dict[str, StrOrPromise]:
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


def missing_record_fields(client: Client) -> list[str]:
    """What a client's record misses, judged at the client's own park.

    The back office's view of a record (client page, client list, group
    members, counts): the park whose settings apply is the client's park,
    so a park requiring the buyer's SIREN counts a record without one as
    incomplete, as issuing does.
    """
    return missing_invoice_fields(client, client.initial_park)


def incomplete_client_ids(clients: QuerySet[Client]) -> set[int]:
    """Ids of the `clients` whose record is incomplete (`missing_record_fields`).

    Judged in Python on purpose: "invisible characters count as empty" and the
    SIREN's key are not expressible in SQL, and a second SQL version of the
    rule would drift from this one.
    """
    fields = [*INVOICE_REQUIRED_FIELDS, "siret"]
    rows = (
        clients.order_by()
        .prefetch_related(None)
        .select_related("initial_park")
        .only("pk", *fields, "initial_park__require_buyer_siren")
    )
    return {client.pk for client in rows.iterator() if missing_record_fields(client)}


def incomplete_clients(clients: QuerySet[Client]) -> QuerySet[Client]:
    """The `clients` whose record is incomplete, as a queryset."""
    return clients.filter(pk__in=incomplete_client_ids(clients))


def field_labels(fields: list[str]) -> list[str]:
    labels = {**INVOICE_REQUIRED_FIELDS, SIREN_FIELD[0]: SIREN_FIELD[1]}
    return [str(labels.get(f, f)) for f in fields]


def online_invoice_eligible_q(client_path: str = "") -> Q:
    """Clients eligible for online invoices: members of at least one group
    whose online invoices are on. `client_path` reaches the client from
    another model ("client__" from a sale).

    The one eligibility rule (client page, issuing, bulk generation,
    invariants); combine it with `.distinct()` where a client may be in
    several such groups.
    """
    return Q(**{f"{client_path}groups__online_invoices": True})


def is_online_invoice_eligible(client: Client) -> bool:
    """Whether this client is eligible for online invoices (see above)."""
    return Client.objects.filter(online_invoice_eligible_q(), pk=client.pk).exists()


# The annotation `with_client_eligibility` adds to each row.
CLIENT_ELIGIBLE = "client_online_invoice_eligible"


def with_client_eligibility(
    rows: QuerySet[RowT], client_field: str = "client"
) -> QuerySet[RowT]:
    """`rows` read with, in the same statement, whether the client each one
    names (`client_field`) is eligible for online invoices: the rule above,
    as a subquery."""
    eligible = Client.objects.filter(
        online_invoice_eligible_q(), pk=OuterRef(client_field)
    )
    return rows.annotate(**{CLIENT_ELIGIBLE: Exists(eligible)})


def client_is_eligible(row: models.Model, client: Client) -> bool:
    """Whether `client`, the client `row` names, is eligible for online
    invoices: as read with `row` (`with_client_eligibility`), else asked now."""
    known = getattr(row, CLIENT_ELIGIBLE, None)
    return is_online_invoice_eligible(client) if known is None else bool(known)


# A staff search of clients: every word must match one of these fields.
CLIENT_SEARCH_FIELDS = (
    "last_name",
    "first_name",
    "company_name",
    "email",
    "city",
    "accounting_code",
)
# A search is bounded whatever is pasted into the box: at most this many
# words (the first ones, repeats dropped), each cut to WORD_LENGTH characters.
MAX_SEARCH_WORDS = 10
MAX_SEARCH_WORD_LENGTH = 100


def search_words(text: str) -> list[str]:
    """The words a staff search looks for: bounded, so the query is too."""
    words: list[str] = []
    for word in (text or "").split():
        word = word[:MAX_SEARCH_WORD_LENGTH]
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
        if len(words) == MAX_SEARCH_WORDS:
            break
    return words


def client_word_q(word: str, client_path: str = "") -> Q:
    """Clients with `word` in a name, the company, email, city or account.

    `client_path` reaches the client from another model ("client__" from a
    sale or a document), whose own searches add their numbers to it.
    """
    return functools.reduce(
        operator.or_,
        (
            Q(**{f"{client_path}{name}__icontains": word})
            for name in CLIENT_SEARCH_FIELDS
        ),
    )


def search_clients(clients: QuerySet[Client], text: str) -> QuerySet[Client]:
    """The `clients` matching every word of `text` (`client_word_q`).

    The one client search of the back office: the client list, the counter's
    client lookup and the group page's "add a member".
    """
    for word in search_words(text):
        clients = clients.filter(client_word_q(word))
    return clients


def clients_of(organization_id: int) -> QuerySet[Client]:
    return Client.objects.filter(organization_id=organization_id)


def groups_of(organization_id: int) -> QuerySet[CustomerGroup]:
    return CustomerGroup.objects.filter(organization_id=organization_id)
