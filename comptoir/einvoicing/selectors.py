"""Reads of the e-invoicing domain, each scoped by the caller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, overload

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import Client
from comptoir.invoicing.models import Invoice
from comptoir.organizations.models import Organization

from .models import (
    DirectoryEntry,
    EInvoicingSettings,
    EReport,
    StatusEvent,
    Transmission,
    TransmissionState,
)
from .statuses import status

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class DocumentState:
    """What a document's transmission looks like, in a word and a colour."""

    label: str | StrPromise
    member_label: str | StrPromise
    tone: str  # ok, warn, danger, info
    code: str


TONES = {"210": "danger", "213": "danger", "207": "warn", "208": "warn", "212": "ok"}


def settings_for(organization: Organization) -> EInvoicingSettings:
    """The setting, or an unsaved one that says "off"."""
    return EInvoicingSettings.objects.filter(
        organization=organization
    ).first() or EInvoicingSettings(organization=organization)


def transmissions_of(organization_id: int) -> QuerySet[Transmission]:
    return Transmission.objects.filter(organization_id=organization_id).select_related(
        "document"
    )


@overload
def state_of(transmission: Transmission) -> DocumentState: ...
@overload
def state_of(transmission: None) -> None: ...
@overload
def state_of(transmission: Transmission | None) -> DocumentState | None: ...
def state_of(transmission: Transmission | None) -> DocumentState | None:
    if transmission is None:
        return None
    if transmission.state in (TransmissionState.PENDING, TransmissionState.SUBMITTING):
        label = _("En cours de transmission")
        return DocumentState(label, label, "info", "")
    if not transmission.status_code:
        label = _("Transmise")
        return DocumentState(label, label, "info", "")
    current = status(transmission.status_code)
    return DocumentState(
        current.label,
        current.member_label,
        TONES.get(current.code, "info"),
        current.code,
    )


def states_by_document(documents: Iterable[Invoice]) -> dict[int, DocumentState]:
    """The state of each listed document, in one query."""
    ids = [d.pk for d in documents]
    if not ids:
        return {}
    rows = Transmission.objects.filter(document_id__in=ids).only(
        "document_id", "state", "status_code"
    )
    return {t.document_id: state_of(t) for t in rows}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    code: str
    label: str
    reason: str
    tone: str


@dataclass(frozen=True)
class DocumentTransmission:
    document: object
    transmission: Transmission
    state: DocumentState | None
    history: list[HistoryRow]


def transmissions_for_documents(
    documents: Iterable[Invoice],
) -> list[DocumentTransmission]:
    """Each document's transmission and status history (back office)."""
    ids = [d.pk for d in documents]
    rows = (
        Transmission.objects.filter(document_id__in=ids)
        .select_related("document")
        .prefetch_related(
            Prefetch(
                "events", queryset=StatusEvent.objects.order_by("occurred_at", "pk")
            )
        )
    )
    result = []
    for transmission in rows:
        history = [
            HistoryRow(
                e.occurred_at,
                e.code,
                str(status(e.code).label),
                e.reason,
                TONES.get(e.code, "info"),
            )
            for e in transmission.events.all()
        ]
        result.append(
            DocumentTransmission(
                transmission.document, transmission, state_of(transmission), history
            )
        )
    return result


def directory_entry_of(client: Client) -> DirectoryEntry | None:
    siren = client.siren
    if not siren:
        return None
    return DirectoryEntry.objects.filter(
        organization_id=client.organization_id, siren=siren
    ).first()


def ereports_of(organization_id: int) -> QuerySet[EReport]:
    return EReport.objects.filter(organization_id=organization_id).select_related(
        "park"
    )


def describe_event(action: str, data: dict) -> str:
    """One sentence per e-invoicing event of the audit trail."""
    if action == "einvoicing.transmission.queued":
        return gettext("Transmission à la plateforme agréée prévue")
    if action == "einvoicing.transmission.submitted":
        return gettext("Transmis à la plateforme agréée (flux %(flow)s)") % {
            "flow": data.get("flow_id", "")
        }
    if action == "einvoicing.status":
        text = gettext("Statut de facturation électronique : %(status)s") % {
            "status": status(str(data.get("code", ""))).label
        }
        if data.get("reason"):
            text += " — " + str(data["reason"])
        return text
    if action == "einvoicing.ereport.created":
        return gettext("Rapport %(number)s établi") % {"number": data.get("number", "")}
    if action == "einvoicing.ereport.sent":
        return gettext("Rapport envoyé (flux %(flow)s)") % {
            "flow": data.get("flow_id", "")
        }
    if action == "einvoicing.ereport.resend":
        return gettext("Rapport %(number)s renvoyé") % {
            "number": data.get("number", "")
        }
    return action
