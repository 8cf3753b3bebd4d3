"""One basket gives at most one paid sale; every provider message is logged;
malformed amounts are a 400, never a 500."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from comptoir.alerts.models import Alert, AlertKind
from comptoir.invoicing.models import Invoice
from comptoir.payments.models import EventOutcome, ProviderEvent
from comptoir.payments.providers.simulator import SIGNATURE_HEADER, sign
from comptoir.sales.models import Payment, Sale, SaleStatus
from tests import factories
from tests.shop.fixtures import add_to_cart, shop, signed_in, text

pytestmark = pytest.mark.django_db

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


def _checkout(http, organization) -> str:
    response = http.post(shop(organization, "checkout"), {"action": "pay"})
    assert response.status_code == 302
    return urlparse(response["Location"]).path


def _notify(organization, sale, *, amount=None, reference="sim_tx", status="paid"):
    body = json.dumps(
        {
            "transaction_id": reference,
            "sale": str(sale.public_id),
            "amount": f"{sale.total_incl:.2f}" if amount is None else amount,
            "currency": "EUR",
            "status": status,
        }
    ).encode()
    return HttpClient(enforce_csrf_checks=True).post(
        shop(organization, "payment_notification", provider="simulator"),
        data=body,
        content_type="application/json",
        **{HEADER: sign(body)},
    )


def test_a_superseded_basket_refuses_payment_on_its_page(
    organization, products, as_member
):
    add_to_cart(as_member, organization, products["ticket"])
    first_page = _checkout(as_member, organization)
    second_page = _checkout(as_member, organization)

    refused = as_member.post(first_page, {"action": "pay"})
    as_member.post(second_page, {"action": "pay"})

    assert refused.status_code == 200
    assert "Ce paiement n'est plus possible" in text(refused)
    assert Sale.objects.filter(status=SaleStatus.PAID).count() == 1
    assert Sale.objects.filter(status=SaleStatus.ABANDONED).count() == 1
    assert Payment.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_a_payment_confirmed_for_a_superseded_basket_is_flagged_for_refund(
    organization, products, as_member
):
    add_to_cart(as_member, organization, products["ticket"])
    _checkout(as_member, organization)
    _checkout(as_member, organization)
    abandoned = Sale.objects.get(status=SaleStatus.ABANDONED)

    response = _notify(organization, abandoned, reference="sim_late")

    assert response.status_code == 200
    abandoned.refresh_from_db()
    assert abandoned.status == SaleStatus.ABANDONED
    assert abandoned.number is None
    assert not Payment.objects.exists()
    assert not Invoice.objects.exists()
    event = ProviderEvent.objects.get(sale=abandoned, event_type="simulator.paid")
    assert event.outcome == EventOutcome.FLAGGED_FOR_REFUND
    assert (event.reference, event.amount) == ("sim_late", abandoned.total_incl)
    alert = Alert.objects.get(sale=abandoned)
    assert alert.kind == AlertKind.PAYMENT_TO_REFUND
    assert "sim_late" in alert.message


def test_a_second_different_paid_notification_is_refused_and_logged(
    organization, park, member, products
):
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    assert _notify(organization, sale, reference="sim_first").status_code == 200

    response = _notify(organization, sale, reference="sim_second")

    assert response.status_code == 409
    assert list(Payment.objects.values_list("reference", flat=True)) == ["sim_first"]
    assert Invoice.objects.filter(sale=sale).count() == 1
    refused = ProviderEvent.objects.get(sale=sale, reference="sim_second")
    assert refused.outcome == EventOutcome.REFUSED
    assert "sim_first" in refused.message


@pytest.mark.parametrize(
    "amount",
    [
        "sNaN",
        "NaN",
        "Infinity",
        "-Infinity",
        "1" * 40,
        "1e3",
        "-30.00",
        "30.001",
        True,
        [30],
    ],
)
def test_a_malformed_amount_is_a_400_never_a_500(
    organization, park, member, products, amount
):
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )

    response = _notify(organization, sale, amount=amount)

    assert response.status_code == 400
    assert Sale.objects.get(pk=sale.pk).status == SaleStatus.PENDING
    assert not Payment.objects.exists()


def test_every_provider_message_is_in_the_log_shown_on_the_sale_page(
    organization, park, member, products, manager
):
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    _notify(organization, sale, amount="1.00", reference="sim_low")
    _notify(organization, sale, reference="sim_ok")
    _notify(organization, sale, reference="sim_ok")  # replay
    _notify(organization, sale, reference="sim_other")

    outcomes = list(
        ProviderEvent.objects.filter(sale=sale).values_list("reference", "outcome")
    )
    assert outcomes == [
        ("sim_low", EventOutcome.AMOUNT_MISMATCH),
        ("sim_ok", EventOutcome.ACCEPTED),
        ("sim_ok", EventOutcome.DUPLICATE),
        ("sim_other", EventOutcome.REFUSED),
    ]
    page = text(
        signed_in(manager).get(reverse("backoffice:sale", args=[sale.public_id]))
    )
    assert "Journal du prestataire de paiement" in page
    for label in ("montant différent", "accepté", "doublon", "refusé"):
        assert label in page


def test_a_manager_marks_a_payment_alert_handled_a_cashier_cannot(
    organization, products, as_member, manager, cashier
):
    add_to_cart(as_member, organization, products["ticket"])
    _checkout(as_member, organization)
    _checkout(as_member, organization)
    abandoned = Sale.objects.get(status=SaleStatus.ABANDONED)
    _notify(organization, abandoned, reference="sim_late")
    alert = Alert.objects.get(sale=abandoned)
    url = reverse("backoffice:alert_close", args=[alert.pk])
    page = text(
        signed_in(manager).get(reverse("backoffice:sale", args=[abandoned.public_id]))
    )
    assert "Paiement à rembourser" in page and "sim_late" in page

    assert signed_in(cashier).post(url, {"reason": "x"}).status_code == 403
    alert.refresh_from_db()
    assert alert.status == "open"

    signed_in(manager).post(url, {"reason": "Remboursé chez le prestataire"})

    alert.refresh_from_db()
    assert (alert.status, alert.closed_by, alert.closed_reason) == (
        "closed",
        manager,
        "Remboursé chez le prestataire",
    )
