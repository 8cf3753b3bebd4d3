"""The notification endpoint trusts only a valid HMAC-SHA256 signature, and a
replayed notification changes nothing."""

import json
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.test import override_settings

from comptoir.alerts.models import Alert
from comptoir.invoicing.models import Invoice
from comptoir.payments.providers.simulator import SIGNATURE_HEADER, sign
from comptoir.sales.models import Payment, Sale, SaleStatus
from tests import factories
from tests.shop.fixtures import shop

pytestmark = pytest.mark.django_db

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


@pytest.fixture
def pending_sale(park, member, products):
    return factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )


def _body(sale, status="paid", amount=None, reference="sim_tx_1"):
    return json.dumps(
        {
            "transaction_id": reference,
            "sale": str(sale.public_id),
            "amount": amount or f"{sale.total_incl:.2f}",
            "currency": "EUR",
            "status": status,
        }
    ).encode()


def _notify(organization, body, signature=None):
    # A provider posts without any cookie or CSRF token.
    http = HttpClient(enforce_csrf_checks=True)
    if signature is None:
        signature = sign(body)
    extra = {} if signature is False else {HEADER: signature}
    return http.post(
        shop(organization, "payment_notification", provider="simulator"),
        data=body,
        content_type="application/json",
        **extra,
    )


def test_a_signed_notification_records_the_payment(organization, pending_sale):
    response = _notify(organization, _body(pending_sale))
    assert response.status_code == 200
    pending_sale.refresh_from_db()
    assert pending_sale.status == SaleStatus.PAID
    payment = Payment.objects.get()
    assert (payment.provider, payment.reference, payment.amount) == (
        "simulator",
        "sim_tx_1",
        Decimal("50.00"),
    )
    assert Invoice.objects.filter(sale=pending_sale).count() == 1


def test_a_replayed_notification_changes_nothing(organization, pending_sale):
    body = _body(pending_sale)
    _notify(organization, body)
    pending_sale.refresh_from_db()
    state = (pending_sale.number, pending_sale.paid_at)
    invoices = list(Invoice.objects.values_list("number", flat=True))

    for _ in range(3):
        assert _notify(organization, body).status_code == 200

    pending_sale.refresh_from_db()
    assert (pending_sale.number, pending_sale.paid_at) == state
    assert Payment.objects.count() == 1
    assert list(Invoice.objects.values_list("number", flat=True)) == invoices


@pytest.mark.parametrize(
    "signature",
    [False, "", "0" * 64, "not-hex", sign(b"another body")],
    ids=["missing", "empty", "zeros", "garbage", "other-body"],
)
def test_a_bad_signature_is_a_400_and_records_nothing(
    organization, pending_sale, signature
):
    response = _notify(organization, _body(pending_sale), signature)
    assert response.status_code == 400
    pending_sale.refresh_from_db()
    assert pending_sale.status == SaleStatus.PENDING
    assert not Payment.objects.exists()


def test_a_tampered_body_fails_the_signature(organization, pending_sale):
    genuine = _body(pending_sale, amount="0.01")
    tampered = genuine.replace(b'"0.01"', b'"50.00"')
    response = _notify(organization, tampered, sign(genuine))
    assert response.status_code == 400
    assert not Payment.objects.exists()


@override_settings(PAYMENT_SIMULATOR_SECRET="another-secret")
def test_a_signature_made_with_another_secret_is_refused(organization, pending_sale):
    body = _body(pending_sale)
    with override_settings(PAYMENT_SIMULATOR_SECRET="attacker-secret"):
        forged = sign(body)
    assert _notify(organization, body, forged).status_code == 400
    assert not Payment.objects.exists()


def test_a_signed_but_wrong_amount_is_refused(organization, pending_sale):
    response = _notify(organization, _body(pending_sale, amount="1.00"))
    assert response.status_code == 409
    pending_sale.refresh_from_db()
    assert pending_sale.status == SaleStatus.PENDING
    assert not Payment.objects.exists()


def test_a_malformed_body_is_a_400(organization, pending_sale):
    body = b'{"transaction_id": "x", "status": "paid"}'
    assert _notify(organization, body).status_code == 400
    assert _notify(organization, b"not json").status_code == 400


def test_a_refusal_abandons_the_basket(organization, pending_sale):
    response = _notify(organization, _body(pending_sale, status="refused"))
    assert response.status_code == 200
    pending_sale.refresh_from_db()
    assert pending_sale.status == SaleStatus.ABANDONED
    assert not Payment.objects.exists()


def test_a_late_refusal_does_not_unpay_a_paid_sale(organization, pending_sale):
    _notify(organization, _body(pending_sale))
    _notify(organization, _body(pending_sale, status="cancelled", reference="sim_2"))
    pending_sale.refresh_from_db()
    assert pending_sale.status == SaleStatus.PAID


def test_another_organizations_sale_is_unknown_here(
    organization, pending_sale, other_organization
):
    other, *_ = other_organization
    assert _notify(other, _body(pending_sale)).status_code == 404
    assert not Payment.objects.exists()


def test_an_unknown_provider_is_a_404(organization, pending_sale):
    body = _body(pending_sale)
    response = HttpClient().post(
        shop(organization, "payment_notification", provider="paypal"),
        data=body,
        content_type="application/json",
        **{HEADER: sign(body)},
    )
    assert response.status_code == 404


def test_only_post_is_accepted(organization):
    url = shop(organization, "payment_notification", provider="simulator")
    assert HttpClient().get(url).status_code == 405


def test_an_incomplete_record_still_gets_paid_and_raises_the_alert(
    organization, park, group, products
):
    client = factories.client(park, groups=[group], with_account=True, complete=False)
    sale = factories.online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    assert _notify(organization, _body(sale)).status_code == 200
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.PAID
    assert not Invoice.objects.exists()
    assert Alert.objects.get(sale=sale).missing_fields
