"""Transmitting invoices and credit notes to the PA, exactly once each, and
following their life-cycle statuses (docs/einvoicing.md)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from comptoir.core import audit
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.documents import pdf_bytes

from ..models import EInvoicingSettings, Transmission, TransmissionState
from ..platforms import (
    LifecycleEvent,
    NotConfigured,
    PlatformError,
    PlatformRefused,
    platform_for,
)
from ..statuses import REJECTED
from .cashed import LEASE, enabled_config, send_cashed_status
from .directory import directory_entry
from .statuses import close_alerts_for_correction, record_events

logger = logging.getLogger(__name__)

FIRST_RETRY = dt.timedelta(seconds=30)
MAX_RETRY = dt.timedelta(hours=6)
FLOW_SYNTAX = "Factur-X"
# XP Z12-013 FlowProfile: "CIUS" is the EN 16931 profile (docs/einvoicing.md).
FLOW_PROFILE = "CIUS"
PROCESSING_RULE = "B2B"
FINAL_CODES = {"210", "212", "213", "220"}


def is_einvoiced(document: Invoice) -> bool:
    """Domestic B2B: the buyer is a company whose SIREN the document carries."""
    buyer = document.snapshot.get("buyer") or {}
    return bool(
        buyer.get("siren")
        and buyer.get("professional")
        and (buyer.get("country") or "FR") == "FR"
    )


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, … up to 6 h between attempts."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


def queue_document(*, document: Invoice) -> Transmission | None:
    """Prepare the one transmission of a rendered document and queue it.

    Called after rendering (signals.py) and by the sweep; calling it again
    for the same document finds the same row and sends nothing more.
    """
    config = enabled_config(document.organization_id)
    if config is None or not is_einvoiced(document):
        return None
    if config.enabled_at and document.issued_at < config.enabled_at:
        return None
    transmission, created = Transmission.objects.get_or_create(
        document=document,
        defaults={
            "organization_id": document.organization_id,
            "tracking_id": str(document.public_id),
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        audit.record(
            document,
            "einvoicing.transmission.queued",
            organization=document.organization,
            data={"number": document.number},
        )
    if transmission.state == TransmissionState.PENDING:
        transaction.on_commit(
            lambda: submit_document_task.enqueue(transmission_id=transmission.pk)
        )
    return transmission


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take the transmission for one attempt; False when someone else has it
    or it is not due (a conditional UPDATE: the database decides)."""
    return (
        Transmission.objects.filter(pk=pk)
        .filter(
            Q(state=TransmissionState.PENDING, next_attempt_at__lte=now)
            | Q(state=TransmissionState.SUBMITTING, claimed_until__lt=now)
        )
        .update(
            state=TransmissionState.SUBMITTING,
            claimed_until=now + LEASE,
            attempts=F("attempts") + 1,
        )
        == 1
    )


def submit_transmission(
    *, transmission_id: int, now: dt.datetime | None = None
) -> Transmission:
    """One attempt at submitting a document's flow; never a second flow.

    After an attempt that may have reached the PA (a crash, a lost answer),
    the flow is first looked for by its tracking id and adopted if found.
    """
    now = now or timezone.now()
    if not _claim(transmission_id, now):
        return Transmission.objects.get(pk=transmission_id)
    transmission = Transmission.objects.select_related(
        "document", "document__organization", "document__credited_invoice"
    ).get(pk=transmission_id)
    document = transmission.document
    config = enabled_config(document.organization_id)
    try:
        if config is None:
            raise NotConfigured(_("La facturation électronique est désactivée."))
        platform = platform_for(config)
        _lookup_buyer(document, now)
        flow = None
        if transmission.attempts > 1:
            flow = platform.find(tracking_id=transmission.tracking_id)
        adopted = flow is not None
        if flow is None:
            flow = platform.submit(
                content=pdf_bytes(document),
                name=document.filename,
                syntax=FLOW_SYNTAX,
                profile=FLOW_PROFILE,
                processing_rule=PROCESSING_RULE,
                tracking_id=transmission.tracking_id,
            )
    except PlatformError as exc:
        return _attempt_failed(transmission, exc, now)
    Transmission.objects.filter(pk=transmission.pk).update(
        state=TransmissionState.SUBMITTED,
        flow_id=flow.flow_id,
        submitted_at=flow.submitted_at or now,
        claimed_until=None,
        last_error="",
    )
    audit.record(
        document,
        "einvoicing.transmission.submitted",
        organization=document.organization,
        data={
            "flow_id": flow.flow_id,
            "attempts": transmission.attempts,
            "adopted": adopted,
        },
    )
    transmission.refresh_from_db()
    close_alerts_for_correction(document)
    poll_transmission(transmission=transmission)
    transmission.refresh_from_db()
    send_cashed_status(transmission_id=transmission.pk, now=now)
    transmission.refresh_from_db()
    return transmission


def _attempt_failed(
    transmission: Transmission, exc: PlatformError, now: dt.datetime
) -> Transmission:
    """Back to the queue, later; a refused content is final (Rejetée)."""
    if isinstance(exc, PlatformRefused):
        Transmission.objects.filter(pk=transmission.pk).update(
            state=TransmissionState.REJECTED, claimed_until=None, last_error=exc.message
        )
        transmission.refresh_from_db()
        record_events(
            transmission=transmission,
            events=[LifecycleEvent(REJECTED, now, exc.message)],
            source="submit",
        )
        return transmission
    Transmission.objects.filter(pk=transmission.pk).update(
        state=TransmissionState.PENDING,
        claimed_until=None,
        next_attempt_at=now + backoff(transmission.attempts),
        last_error=exc.message,
    )
    logger.warning(
        "E-invoice %s not submitted (attempt %s): %s",
        transmission.document_id,
        transmission.attempts,
        exc.message,
    )
    transmission.refresh_from_db()
    return transmission


def _lookup_buyer(document: Invoice, now: dt.datetime) -> None:
    """The directory says where the buyer receives, before its first invoice."""
    siren = (document.snapshot.get("buyer") or {}).get("siren") or ""
    if not siren:
        return
    try:
        directory_entry(organization_id=document.organization_id, siren=siren, now=now)
    except PlatformError as exc:
        # Informative only: the PA routes the flow with its own directory.
        logger.warning("Directory lookup of %s failed: %s", siren, exc.message)


def poll_transmission(*, transmission: Transmission) -> Transmission:
    """Read the flow's acknowledgement and statuses from the PA."""
    if not transmission.flow_id:
        return transmission
    config = enabled_config(transmission.organization_id)
    if config is None:
        return transmission
    try:
        result = platform_for(config).status(
            flow_id=transmission.flow_id, tracking_id=transmission.tracking_id
        )
    except PlatformError as exc:
        logger.warning(
            "Status of %s unavailable: %s", transmission.flow_id, exc.message
        )
        return transmission
    events = list(result.events)
    if result.ack == "Error":
        if transmission.state != TransmissionState.REJECTED:
            Transmission.objects.filter(pk=transmission.pk).update(
                state=TransmissionState.REJECTED, last_error=result.reason
            )
        if not any(e.code == REJECTED for e in events):
            stamp = transmission.submitted_at or timezone.now()
            events.append(LifecycleEvent(REJECTED, stamp, result.reason))
    transmission.refresh_from_db()
    record_events(transmission=transmission, events=events, source="poll")
    return transmission


def sync_organization(
    *, config: EInvoicingSettings, now: dt.datetime | None = None
) -> dict:
    """The sweep: what a dead worker, a lost answer or a PA outage left."""
    now = now or timezone.now()
    counts = {"queued": 0, "submitted": 0, "polled": 0, "cashed": 0}
    if not config.is_enabled:
        return counts
    missing = Invoice.objects.filter(
        organization_id=config.organization_id,
        rendered_at__isnull=False,
        transmission__isnull=True,
    ).exclude(snapshot__buyer__siren="")
    if config.enabled_at:
        missing = missing.filter(issued_at__gte=config.enabled_at)
    for document in missing.select_related("organization"):
        if queue_document(document=document) is not None:
            counts["queued"] += 1
    due = Transmission.objects.filter(organization_id=config.organization_id).filter(
        Q(state=TransmissionState.PENDING, next_attempt_at__lte=now)
        | Q(state=TransmissionState.SUBMITTING, claimed_until__lt=now)
    )
    for pk in list(due.values_list("pk", flat=True)):
        result = submit_transmission(transmission_id=pk, now=now)
        counts["submitted"] += result.state == TransmissionState.SUBMITTED
    following = (
        Transmission.objects.filter(
            organization_id=config.organization_id,
            state=TransmissionState.SUBMITTED,
            submitted_at__gte=now - dt.timedelta(days=120),
        )
        .exclude(status_code__in=FINAL_CODES)
        .select_related("document", "document__organization")
    )
    for transmission in following:
        poll_transmission(transmission=transmission)
        counts["polled"] += 1
    unsent = Transmission.objects.filter(
        organization_id=config.organization_id, state=TransmissionState.SUBMITTED
    ).exclude(cashed_state="sent")
    for pk in list(unsent.values_list("pk", flat=True)):
        counts["cashed"] += send_cashed_status(transmission_id=pk, now=now)
    return counts


@task()
def submit_document_task(transmission_id: int) -> None:
    submit_transmission(transmission_id=transmission_id)


@task()
def poll_transmission_task(transmission_id: int) -> None:
    transmission = Transmission.objects.select_related("document").get(
        pk=transmission_id
    )
    poll_transmission(transmission=transmission)
    send_cashed_status(transmission_id=transmission_id)
