"""The "Encaissée" status of a paid services invoice, sent once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.invoicing.models import DocumentKind, Invoice, Scope

from .. import cdar
from ..models import EInvoicingSettings, Transmission, TransmissionState
from ..platforms import LifecycleEvent, NotConfigured, PlatformError, platform_for
from ..statuses import CASHED
from .statuses import record_events

# A claim outlives any single attempt (HTTP timeouts are 35 s at most), so a
# claim that expired belongs to a worker that died, never to a slow one.
LEASE = dt.timedelta(minutes=5)


def enabled_config(organization_id: int) -> EInvoicingSettings | None:
    config = EInvoicingSettings.objects.filter(organization_id=organization_id).first()
    if config is None or not config.is_enabled:
        return None
    return config


def needs_cashed_status(document: Invoice) -> bool:
    """A paid invoice of services (VAT due on receipt) reports its payment."""
    if document.kind != DocumentKind.INVOICE or document.scope != Scope.TAXABLE:
        return False
    paid = Decimal((document.snapshot.get("totals") or {}).get("paid") or "0")
    return document.snapshot.get("nature") in {"services", "mixed"} and paid > 0


def send_cashed_status(*, transmission_id: int, now: dt.datetime | None = None) -> bool:
    """Send "Encaissée" (amount and date of payment) once for a paid services
    invoice; True when it was sent by this call."""
    now = now or timezone.now()
    transmission = Transmission.objects.select_related("document").get(
        pk=transmission_id
    )
    document = transmission.document
    if (
        transmission.state != TransmissionState.SUBMITTED
        or not needs_cashed_status(document)
        or transmission.status_code in {"210", "213"}
    ):
        return False
    claimed = (
        Transmission.objects.filter(pk=transmission_id)
        .filter(Q(cashed_state="") | Q(cashed_state="pending"))
        .filter(Q(cashed_claimed_until__isnull=True) | Q(cashed_claimed_until__lt=now))
        .update(
            cashed_state="pending",
            cashed_claimed_until=now + LEASE,
            cashed_attempts=F("cashed_attempts") + 1,
        )
    )
    if not claimed:
        return False
    transmission.refresh_from_db()
    snapshot = document.snapshot
    payments = snapshot.get("payments") or []
    paid_on = max(
        (dt.date.fromisoformat(p["date"]) for p in payments if p.get("date")),
        default=document.issue_date,
    )
    amount = Decimal(snapshot["totals"]["paid"])
    issued_at = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    message = cdar.StatusMessage(
        invoice_number=document.number,
        invoice_date=document.issue_date,
        invoice_type_code=snapshot["document"]["type_code"],
        status_code=CASHED,
        issued_at=issued_at,
        amount=amount,
        paid_on=paid_on,
        sender_siren=snapshot["seller"]["siren"],
        recipient_siren=snapshot["buyer"]["siren"],
    )
    tracking_id = f"{transmission.tracking_id}-{CASHED}"
    config = enabled_config(document.organization_id)
    try:
        if config is None:
            raise NotConfigured(_("La facturation électronique est désactivée."))
        platform = platform_for(config)
        flow = None
        if transmission.cashed_attempts > 1:
            flow = platform.find(tracking_id=tracking_id)
        if flow is None:
            flow = platform.submit(
                content=cdar.build(message),
                name=f"{document.number}-{CASHED}.xml",
                syntax="CDAR",
                processing_rule="NotApplicable",
                tracking_id=tracking_id,
            )
    except PlatformError as exc:
        Transmission.objects.filter(pk=transmission_id).update(
            cashed_claimed_until=None, last_error=exc.message
        )
        return False
    Transmission.objects.filter(pk=transmission_id).update(
        cashed_state="sent", cashed_flow_id=flow.flow_id, cashed_claimed_until=None
    )
    if transmission.events.filter(code=CASHED).exists():
        # Adopted after a lost answer: the PA already reported it.
        return True
    record_events(
        transmission=transmission,
        events=[
            LifecycleEvent(
                CASHED,
                issued_at,
                _cashed_text(amount, paid_on),
            )
        ],
        source="sent",
    )
    return True


def _cashed_text(amount: Decimal, paid_on: dt.date) -> str:
    """Stored with the status: in the site's language, whoever runs this."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(amount)s € encaissés le %(date)s") % {
            "amount": f"{amount:.2f}",
            "date": paid_on.strftime("%d/%m/%Y"),
        }
