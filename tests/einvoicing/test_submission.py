"""Every invoice and credit note to a French company goes to the PA, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.einvoicing.models import StatusEvent, Transmission, TransmissionState
from comptoir.einvoicing.platforms import platform_for
from comptoir.einvoicing.services.sync import sync
from comptoir.einvoicing.services.transmission import (
    queue_document,
    submit_transmission,
)
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.documents import pdf_bytes, render_and_store
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _invoice(park, client, products, *items):
    sale = factories.paid_online_sale(park, client, factories.basket(products, *items))
    return Invoice.objects.get(sale=sale)


def test_a_rendered_invoice_to_a_company_is_submitted_as_one_factur_x_flow(
    park, member, products, einvoicing, standin
):
    invoice = _invoice(park, member, products, ("ticket", 1))

    flow = standin.flow_for(str(invoice.public_id))
    assert flow["flowSyntax"] == "Factur-X"
    assert flow["flowProfile"] == "CIUS"
    assert flow["processingRule"] == "B2B"
    assert flow["ack"]["status"] == "Ok", flow["ack"]
    assert flow["invoiceNumber"] == invoice.number
    assert flow["_content"] == pdf_bytes(invoice)
    transmission = invoice.transmission
    assert transmission.state == TransmissionState.SUBMITTED
    assert transmission.flow_id == flow["flowId"]
    assert list(transmission.events.values_list("code", flat=True))[0] == "200"


def test_an_invoice_to_a_buyer_without_siren_is_not_submitted(
    park, products, einvoicing, standin, group
):
    no_siren = factories.client(park, groups=[group], siret="", vat_number="")
    _invoice(park, no_siren, products, ("ticket", 1))
    assert standin.submitted() == []
    assert not Transmission.objects.exists()


def test_nothing_is_submitted_while_e_invoicing_is_off(park, member, products, standin):
    _invoice(park, member, products, ("ticket", 1))
    assert standin.submitted() == []


def test_rendering_twice_and_queueing_twice_still_make_one_flow(
    park, member, products, einvoicing, standin
):
    invoice = _invoice(park, member, products, ("ticket", 1))
    render_and_store(invoice_id=invoice.pk)
    queue_document(document=invoice)
    submit_transmission(transmission_id=invoice.transmission.pk)
    sync(now=timezone.now() + dt.timedelta(hours=1))

    assert len(standin.submitted(syntax="Factur-X")) == 1
    assert Transmission.objects.count() == 1


def test_an_unavailable_platform_is_retried_with_backoff_and_gets_one_flow(
    park, member, products, einvoicing, standin
):
    standin.fail_next = 2
    invoice = _invoice(park, member, products, ("ticket", 1))
    transmission = Transmission.objects.get(document=invoice)
    assert transmission.state == TransmissionState.PENDING
    assert transmission.attempts == 1
    assert "503" in transmission.last_error
    first_wait = transmission.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=20) < first_wait <= dt.timedelta(seconds=30)

    # Not due yet: the sweep leaves it alone.
    sync()
    transmission.refresh_from_db()
    assert transmission.attempts == 1

    sync(now=transmission.next_attempt_at + dt.timedelta(seconds=1))
    transmission.refresh_from_db()
    assert transmission.attempts == 2
    assert transmission.state == TransmissionState.PENDING

    sync(now=transmission.next_attempt_at + dt.timedelta(seconds=1))
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTED
    assert transmission.attempts == 3
    assert len(standin.submitted(syntax="Factur-X")) == 1


def test_a_lost_answer_is_recovered_by_tracking_id_without_a_second_flow(
    park, member, products, einvoicing, standin
):
    standin.drop_next = 1  # the PA stores the flow, the answer is lost
    invoice = _invoice(park, member, products, ("ticket", 1))
    transmission = Transmission.objects.get(document=invoice)
    assert transmission.state == TransmissionState.PENDING
    assert len(standin.submitted(syntax="Factur-X")) == 1

    sync(now=transmission.next_attempt_at + dt.timedelta(seconds=1))
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTED
    assert transmission.flow_id == standin.flow_for(transmission.tracking_id)["flowId"]
    assert len(standin.submitted(syntax="Factur-X")) == 1


def test_a_worker_that_died_after_the_platform_stored_the_flow_leaves_one_flow(
    park, member, products, einvoicing, standin
):
    """The state a crash leaves: claimed, flow at the PA, no flow id saved."""
    standin.fail_next = 1
    invoice = _invoice(park, member, products, ("ticket", 1))
    transmission = Transmission.objects.get(document=invoice)
    # The dead worker: it claimed the row, sent the flow, and died.
    Transmission.objects.filter(pk=transmission.pk).update(
        state=TransmissionState.SUBMITTING,
        attempts=2,
        claimed_until=timezone.now() + dt.timedelta(minutes=5),
    )
    platform_for(einvoicing).submit(
        content=pdf_bytes(invoice),
        name=invoice.filename,
        syntax="Factur-X",
        tracking_id=transmission.tracking_id,
    )
    # While its claim holds, nobody else touches it.
    sync()
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTING

    sync(now=timezone.now() + dt.timedelta(minutes=6))
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTED
    assert len(standin.submitted(syntax="Factur-X")) == 1
    assert transmission.flow_id == standin.flow_for(transmission.tracking_id)["flowId"]


def test_a_credit_note_is_transmitted_with_the_reference_of_its_invoice(
    park, member, products, einvoicing, standin, manager
):
    from comptoir.invoicing.services import issue_credit_note

    invoice = _invoice(park, member, products, ("ticket", 2))
    note = issue_credit_note(invoice=invoice, reason="Annulation", issued_by=manager)

    flow = standin.flow_for(str(note.public_id))
    assert flow["ack"]["status"] == "Ok", flow["ack"]
    assert flow["typeCode"] == "381"
    assert flow["invoiceNumber"] == note.number
    assert flow["referencedInvoice"] == invoice.number
    assert note.transmission.state == TransmissionState.SUBMITTED
    assert StatusEvent.objects.filter(transmission__document=note, code="200").exists()


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _invoice_reads(queries) -> list[str]:
    """Whole rows of invoicing_invoice read (the snapshot with them)."""
    return [q["sql"] for q in queries if '"invoicing_invoice"."snapshot"' in q["sql"]]


@override_settings(TASKS=DUMMY_TASKS)  # not rendered at payment: rendered below
def test_rendering_reads_the_invoice_once_then_queues_its_transmission(
    park, member, products, einvoicing
):
    invoice = _invoice(park, member, products, ("ticket", 1))
    with CaptureQueriesContext(connection) as queries:
        render_and_store(invoice_id=invoice.pk)
    assert len(_invoice_reads(queries)) == 1  # the render's locked read
    assert Transmission.objects.filter(document=invoice).exists()


@override_settings(TASKS=DUMMY_TASKS)
def test_rendering_a_consumer_invoice_reads_nothing_for_e_invoicing(
    park, products, einvoicing, group
):
    no_siren = factories.client(park, groups=[group], siret="", vat_number="")
    invoice = _invoice(park, no_siren, products, ("ticket", 1))
    with CaptureQueriesContext(connection) as queries:
        render_and_store(invoice_id=invoice.pk)
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256
    assert not [q for q in queries if "einvoicing_" in q["sql"]]
    assert len(_invoice_reads(queries)) == 1
