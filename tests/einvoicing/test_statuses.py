"""Life-cycle statuses: polled and notified, stored once, in life-cycle order."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.einvoicing.models import Transmission, TransmissionState, WebhookEvent
from comptoir.einvoicing.services.sync import sync
from comptoir.einvoicing.services.transmission import poll_transmission
from comptoir.einvoicing.standin import public, sign
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note
from tests import factories

from .conftest import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db(transaction=True)
T0 = dt.datetime(2027, 9, 2, 8, 0, tzinfo=dt.UTC)


def _transmitted(park, client, products, *items):
    sale = factories.paid_online_sale(park, client, factories.basket(products, *items))
    invoice = Invoice.objects.get(sale=sale)
    return invoice, Transmission.objects.get(document=invoice)


def _codes(transmission):
    return list(transmission.events.values_list("code", flat=True))


def test_statuses_arriving_in_order_are_stored_in_order(
    park, member, products, einvoicing, standin
):
    _, transmission = _transmitted(park, member, products, ("socks", 1))
    flow_id = transmission.flow_id
    for minutes, code in ((1, "202"), (2, "203"), (3, "204"), (4, "205")):
        standin.emit(flow_id, code, at=T0 + dt.timedelta(minutes=minutes))
    poll_transmission(transmission=transmission)

    transmission.refresh_from_db()
    assert _codes(transmission)[-4:] == ["202", "203", "204", "205"]
    assert transmission.status_code == "205"


def test_statuses_arriving_out_of_order_keep_the_life_cycle_state(
    park, member, products, einvoicing, standin
):
    _, transmission = _transmitted(park, member, products, ("socks", 1))
    standin.emit(transmission.flow_id, "205", at=T0 + dt.timedelta(minutes=4))
    poll_transmission(transmission=transmission)
    transmission.refresh_from_db()
    assert transmission.status_code == "205"

    # The older ones arrive late: stored in their place, the state stays.
    standin.emit(transmission.flow_id, "203", at=T0 + dt.timedelta(minutes=2))
    standin.emit(transmission.flow_id, "202", at=T0 + dt.timedelta(minutes=1))
    poll_transmission(transmission=transmission)
    poll_transmission(transmission=transmission)  # and once more: no duplicate
    transmission.refresh_from_db()
    assert transmission.status_code == "205"
    assert _codes(transmission) == ["200", "202", "203", "205"]
    assert transmission.events.filter(code="203").count() == 1


def test_the_stand_in_schedule_moves_a_document_through_its_statuses(
    park, member, products, einvoicing, standin
):
    _, transmission = _transmitted(park, member, products, ("socks", 1))
    assert transmission.status_code == "200"
    standin.advance(2)
    sync()
    transmission.refresh_from_db()
    assert transmission.status_code == "203"
    standin.advance(5)
    sync()
    transmission.refresh_from_db()
    assert transmission.status_code == "205"
    assert _codes(transmission) == ["200", "202", "203", "204", "205"]


def test_a_refusal_by_the_buyer_raises_an_alert_with_the_reason(
    park, member, products, einvoicing, standin
):
    standin.refusals[member.siren] = "Commande inconnue de nos services"
    invoice, transmission = _transmitted(park, member, products, ("socks", 1))
    standin.advance(3)
    sync()

    transmission.refresh_from_db()
    assert transmission.status_code == "210"
    alert = Alert.objects.get(kind=AlertKind.EINVOICE_REJECTED, status="open")
    assert alert.sale_id == invoice.sale_id
    assert invoice.number in alert.message
    assert "Commande inconnue de nos services" in alert.message
    assert "refusée" in alert.message

    # The correction (a credit note) transmitted closes the alert.
    issue_credit_note(invoice=invoice, reason="Refusée par le client")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_an_invalid_factur_x_is_rejected_by_the_platform_with_its_reason(
    park, member, products, einvoicing, standin
):
    # The document says the buyer is in France but its VAT number is not French
    # (and not even one): the BR-FR / CEN rules reject it.
    member.vat_number = "XX123"
    member.save()
    invoice, transmission = _transmitted(park, member, products, ("socks", 1))

    assert transmission.state == TransmissionState.REJECTED
    assert transmission.status_code == "213"
    flow = standin.flow_for(transmission.tracking_id)
    assert flow["ack"]["status"] == "Error"
    reason = flow["ack"]["details"][0]["reasonMessage"]
    alert = Alert.objects.get(kind=AlertKind.EINVOICE_REJECTED, status="open")
    assert reason[:60] in alert.message
    assert "rejetée" in alert.message


def _webhook(client, organization, body: bytes, signature: str, event_id: str):
    return client.post(
        reverse("einvoicing:webhook", kwargs={"org_slug": organization.slug}),
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE_256=signature,
        HTTP_X_EVENT_ID=event_id,
    )


def test_a_signed_webhook_brings_the_new_status_once(
    client, organization, park, member, products, einvoicing, standin
):
    _, transmission = _transmitted(park, member, products, ("socks", 1))
    lifecycle = standin.emit(transmission.flow_id, "203", at=T0)
    body = json.dumps({"flowInfo": public(lifecycle)}).encode()

    response = _webhook(
        client, organization, body, sign(WEBHOOK_SECRET, body), lifecycle["flowId"]
    )
    assert response.status_code == 200
    transmission.refresh_from_db()
    assert transmission.events.filter(code="203").count() == 1

    again = _webhook(
        client, organization, body, sign(WEBHOOK_SECRET, body), lifecycle["flowId"]
    )
    assert again.status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert transmission.events.filter(code="203").count() == 1


def test_an_unsigned_or_badly_signed_webhook_is_refused_and_changes_nothing(
    client, organization, park, member, products, einvoicing, standin
):
    _, transmission = _transmitted(park, member, products, ("socks", 1))
    lifecycle = standin.emit(transmission.flow_id, "203", at=T0)
    body = json.dumps({"flowInfo": public(lifecycle)}).encode()

    assert _webhook(client, organization, body, "", "e1").status_code == 400
    forged = sign("not-the-secret", body)
    assert _webhook(client, organization, body, forged, "e2").status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not transmission.events.filter(code="203").exists()


def test_the_alert_is_written_in_french_whoever_runs_the_poll(
    park, member, products, einvoicing, standin
):
    from django.utils import translation

    standin.refusals[member.siren] = "Doublon"
    _transmitted(park, member, products, ("socks", 1))
    standin.advance(3)
    with translation.override("en"):
        sync()
    alert = Alert.objects.get(kind=AlertKind.EINVOICE_REJECTED)
    assert "refusée sur la plateforme agréée. Motif : Doublon" in alert.message
