"""Life-cycle statuses as they arrive: stored once, ranked, alerting."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.core import audit
from comptoir.invoicing.models import Invoice

from ..models import StatusEvent, Transmission
from ..platforms import LifecycleEvent
from ..statuses import status


def record_events(
    *, transmission: Transmission, events: list[LifecycleEvent], source: str
) -> list[StatusEvent]:
    """Store the statuses not seen yet; alert on a rejection or a refusal.

    Statuses may come twice (poll and webhook) and out of order: each is
    stored once, and the current one is the highest in the life cycle.
    """
    new: list[StatusEvent] = []
    for event in sorted(events, key=lambda e: (e.occurred_at, status(e.code).rank)):
        try:
            with transaction.atomic():
                row, created = StatusEvent.objects.get_or_create(
                    transmission=transmission,
                    code=event.code,
                    occurred_at=event.occurred_at,
                    defaults={"reason": event.reason, "source": source},
                )
        except IntegrityError:
            continue
        if created:
            new.append(row)
    if not new:
        return new
    current = max(
        transmission.events.all(),
        key=lambda e: (status(e.code).rank, e.occurred_at, e.pk),
    )
    Transmission.objects.filter(pk=transmission.pk).update(
        status_code=current.code, status_at=current.occurred_at
    )
    transmission.status_code, transmission.status_at = current.code, current.occurred_at
    document = transmission.document
    for row in new:
        audit.record(
            document,
            "einvoicing.status",
            organization=document.organization,
            data={"code": row.code, "reason": row.reason, "source": source},
        )
        if status(row.code).alert:
            raise_einvoice_alert(document=document, code=row.code, reason=row.reason)
    return new


def raise_einvoice_alert(*, document: Invoice, code: str, reason: str) -> Alert:
    """Tell the operator the PA rejected, or the buyer refused, a document."""
    # Stored text: written in the site's language, whoever's request runs this.
    with translation.override(settings.LANGUAGE_CODE):
        kind_label = _("L'avoir") if document.is_credit_note else _("La facture")
        message = _(
            "%(kind)s %(number)s (%(buyer)s) : %(status)s sur la plateforme agréée. "
            "Motif : %(reason)s"
        ) % {
            "kind": kind_label,
            "number": document.number,
            "buyer": document.buyer_name,
            "status": str(status(code).label).lower(),
            "reason": reason or _("non précisé"),
        }
    open_alert = Alert.objects.filter(
        sale_id=document.sale_id,
        kind=AlertKind.EINVOICE_REJECTED,
        status=AlertStatus.OPEN,
    ).first()
    if open_alert is not None:
        open_alert.message = message
        open_alert.save(update_fields=["message"])
        return open_alert
    try:
        with transaction.atomic():
            return Alert.objects.create(
                organization_id=document.organization_id,
                park_id=document.park_id,
                kind=AlertKind.EINVOICE_REJECTED,
                sale_id=document.sale_id,
                client_id=document.client_id,
                message=message,
            )
    except IntegrityError:
        return Alert.objects.get(
            sale_id=document.sale_id,
            kind=AlertKind.EINVOICE_REJECTED,
            status=AlertStatus.OPEN,
        )


def close_alerts_for_correction(document: Invoice) -> None:
    """A credit note transmitted for a rejected or refused invoice closes its alert."""
    if not document.is_credit_note or document.credited_invoice_id is None:
        return
    refused = StatusEvent.objects.filter(
        transmission__document_id=document.credited_invoice_id,
        code__in=["210", "213"],
    ).exists()
    if refused:
        Alert.objects.filter(
            sale_id=document.sale_id,
            kind=AlertKind.EINVOICE_REJECTED,
            status=AlertStatus.OPEN,
        ).update(
            status=AlertStatus.CLOSED,
            closed_at=timezone.now(),
            closed_reason=_("Avoir %(number)s transmis") % {"number": document.number},
        )
