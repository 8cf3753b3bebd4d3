"""A payment notification is applied once: a replay, even of one that was
refused, is logged as a duplicate and changes nothing; a transaction id
another sale already has pays nothing and is refused, with nothing of the
payment left behind."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from comptoir.invoicing.models import Invoice
from comptoir.payments.models import EventOutcome, ProviderEvent
from comptoir.payments.notifications import apply_payment
from comptoir.payments.providers import PROVIDERS, Notification, PaymentStatus
from comptoir.payments.providers.simulator import SIGNATURE_HEADER, sign
from comptoir.sales.models import Payment, Sale, SaleLine, SaleStatus, Ticket
from tests import factories
from tests.shop.fixtures import shop

pytestmark = pytest.mark.django_db

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


def notify(organization, sale, *, reference: str, amount: str | None = None) -> int:
    body = json.dumps(
        {
            "transaction_id": reference,
            "sale": str(sale.public_id),
            "amount": amount or f"{sale.total_incl:.2f}",
            "currency": "EUR",
            "status": "paid",
        }
    ).encode()
    response = HttpClient(enforce_csrf_checks=True).post(
        shop(organization, "payment_notification", provider="simulator"),
        data=body,
        content_type="application/json",
        **{HEADER: sign(body)},
    )
    return response.status_code


def outcomes(sale) -> list[str]:
    return list(
        ProviderEvent.objects.filter(sale=sale)
        .order_by("pk")
        .values_list("outcome", flat=True)
    )


@pytest.fixture
def pending(park, member, products):
    def make():
        return factories.online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        )

    return make


def test_a_replayed_payment_is_logged_as_a_duplicate_and_pays_once(
    organization, pending
):
    sale = pending()

    statuses = [notify(organization, sale, reference="tx_1") for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert outcomes(sale) == [
        EventOutcome.ACCEPTED,
        EventOutcome.DUPLICATE,
        EventOutcome.DUPLICATE,
    ]
    assert Payment.objects.filter(sale=sale).count() == 1
    assert Invoice.objects.filter(sale=sale).count() == 1


def test_a_replayed_refusal_is_logged_as_a_duplicate_not_refused_again(
    organization, pending
):
    """A payment refused for its amount leaves the sale pending: its replay
    must still be known as one, not judged again."""
    sale = pending()

    first = notify(organization, sale, reference="tx_1", amount="1.00")
    replay = notify(organization, sale, reference="tx_1", amount="1.00")

    assert (first, replay) == (409, 200)
    assert outcomes(sale) == [EventOutcome.AMOUNT_MISMATCH, EventOutcome.DUPLICATE]
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.PENDING


def test_a_transaction_id_of_another_sale_pays_nothing_and_is_refused(
    organization, pending
):
    paid = pending()
    assert notify(organization, paid, reference="tx_1") == 200
    other = pending()

    # The sweep's way in: no event id, so only the payment's own
    # uniqueness can tell.
    result = apply_payment(
        sale=other,
        provider=PROVIDERS["simulator"],
        notification=Notification(
            provider="simulator",
            status=PaymentStatus.PAID,
            reference="tx_1",
            sale_id=other.public_id,
            amount=other.total_incl,
            currency="EUR",
        ),
    )

    assert result.outcome == EventOutcome.REFUSED
    assert "déjà utilisée" in result.message
    other.refresh_from_db()
    assert (other.status, other.number) == (SaleStatus.PENDING, None)
    assert not Payment.objects.filter(sale=other).exists()
    assert not Ticket.objects.filter(sale_line__sale=other).exists()
    assert not Invoice.objects.filter(sale=other).exists()
    assert outcomes(other) == [EventOutcome.REFUSED]
    # Its own payment later takes the next sale number: the refused one
    # used none.
    assert notify(organization, other, reference="tx_2") == 200
    other.refresh_from_db()
    assert other.number.endswith("-000002")
    assert other.total_incl == Decimal("50.00")


def test_a_sale_whose_lines_are_gone_is_still_known(organization, pending):
    """The sale is read through its lines; one without (never written by the
    shop) is still found, not taken for money of no known sale."""
    sale = pending()
    SaleLine.objects.filter(sale=sale).delete()

    assert notify(organization, sale, reference="tx_1") == 200

    assert outcomes(sale) == [EventOutcome.ACCEPTED]
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.PAID
