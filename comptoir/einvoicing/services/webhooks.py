"""Notifications the PA sends when a flow changes: signed, handled once."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.db import IntegrityError, transaction

from comptoir.organizations.models import Organization

from ..models import EInvoicingSettings, Transmission, WebhookEvent
from .transmission import poll_transmission_task


class InvalidWebhook(Exception):
    """Unsigned, badly signed or unreadable: nothing is done."""


def verify_signature(*, secret: str, body: bytes, signature: str) -> bool:
    """HMAC-SHA256 of the raw body, hex, sent as `sha256=<hex>`."""
    if not secret or not signature.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.removeprefix("sha256="))


def handle_webhook(
    *, organization: Organization, body: bytes, signature: str, event_id: str = ""
) -> Transmission | None:
    """Check the signature, remember the event, then poll the document it is
    about; the same event delivered twice is acknowledged and ignored."""
    config = EInvoicingSettings.objects.filter(organization=organization).first()
    if config is None or not config.is_enabled:
        raise InvalidWebhook("e-invoicing is off")
    if not verify_signature(
        secret=config.webhook_secret, body=body, signature=signature
    ):
        raise InvalidWebhook("bad signature")
    try:
        flow = json.loads(body)["flowInfo"]
        tracking_id = str(flow["trackingId"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidWebhook("unreadable body") from exc
    event_id = event_id or f"{flow.get('flowId')}:{flow.get('updatedAt')}"
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(organization=organization, event_id=event_id)
    except IntegrityError:
        return None
    transmission = (
        Transmission.objects.filter(organization=organization, tracking_id=tracking_id)
        .select_related("document", "document__organization")
        .first()
    )
    if transmission is None:
        return None
    transaction.on_commit(
        lambda: poll_transmission_task.enqueue(transmission_id=transmission.pk)
    )
    return transmission
