"""The "encaissée" status, with amount and date, for each paid services invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.einvoicing import cdar
from comptoir.einvoicing.models import Transmission
from comptoir.einvoicing.services.sync import sync
from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_paid_services_invoice_sends_encaissee_with_amount_and_payment_date(
    park, member, products, einvoicing, standin
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2), ("snack", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    transmission = Transmission.objects.get(document=invoice)

    [status_flow] = standin.submitted(syntax="CDAR")
    message = cdar.parse(status_flow["_content"])
    assert message.status_code == "212"
    assert message.invoice_number == invoice.number
    assert message.amount == Decimal("80.00") == sale.total_incl
    payment = sale.payments.get()
    assert message.paid_on == timezone.localtime(payment.received_at).date()
    assert status_flow["referencedFlowId"] == transmission.flow_id
    assert transmission.cashed_state == "sent"
    assert transmission.status_code == "212"

    # Sweeps later: still one "encaissée".
    sync(now=timezone.now() + dt.timedelta(hours=2))
    assert len(standin.submitted(syntax="CDAR")) == 1
    assert transmission.events.filter(code="212").count() == 1


def test_a_goods_only_invoice_sends_no_encaissee(
    park, member, products, einvoicing, standin
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("socks", 2))
    )
    transmission = Transmission.objects.get(document__sale=sale)
    sync()
    assert standin.submitted(syntax="CDAR") == []
    assert transmission.cashed_state == ""


def test_an_encaissee_whose_answer_was_lost_is_found_again_not_sent_twice(
    park, member, products, einvoicing, standin
):
    standin.faults_only_for = "CDAR"
    standin.drop_next = 1
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    transmission = Transmission.objects.get(document__sale=sale)
    assert transmission.cashed_state == "pending"
    assert len(standin.submitted(syntax="CDAR")) == 1

    sync(now=timezone.now() + dt.timedelta(minutes=10))
    transmission.refresh_from_db()
    assert transmission.cashed_state == "sent"
    assert len(standin.submitted(syntax="CDAR")) == 1
    assert transmission.cashed_flow_id == standin.submitted(syntax="CDAR")[0]["flowId"]


def test_an_encaissee_the_platform_could_not_take_is_sent_by_the_sweep(
    park, member, products, einvoicing, standin
):
    standin.faults_only_for = "CDAR"
    standin.fail_next = 1
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    transmission = Transmission.objects.get(document__sale=sale)
    assert transmission.cashed_state == "pending"
    assert standin.submitted(syntax="CDAR") == []

    sync()
    transmission.refresh_from_db()
    assert transmission.cashed_state == "sent"
    assert len(standin.submitted(syntax="CDAR")) == 1
