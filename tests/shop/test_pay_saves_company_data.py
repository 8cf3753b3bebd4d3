"""Company data typed at checkout is never lost: "Payer" saves it first (so
the invoice is issued on payment), or refuses with the errors and starts no
payment; untouched fields let the member pay without them."""

import pytest

from comptoir.alerts.models import Alert
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Sale
from tests.shop.fixtures import (
    shop,
    text,
)

pytestmark = pytest.mark.django_db

TYPED = {
    "company_name": "NEIME SARL",
    "address": "4 place du Marché",
    "address_complement": "",
    "postcode": "89100",
    "city": "SENS",
    "country": "FR",
    "vat_number": "",
    "siret": "",
}


def test_the_pay_button_submits_the_company_form(organization, http):
    page = http.get(shop(organization, "checkout")).content.decode()
    assert 'id="company-form"' in page
    assert 'form="company-form" name="action" value="pay"' in page


def test_payer_saves_the_typed_company_data_then_the_invoice_is_issued(
    organization, http, incomplete
):
    response = http.post(shop(organization, "checkout"), {**TYPED, "action": "pay"})
    assert response.status_code == 302
    assert "/paiement-simule/" in response["Location"]
    incomplete.refresh_from_db()
    assert (incomplete.company_name, incomplete.postcode) == ("NEIME SARL", "89100")

    http.post(response["Location"], {"action": "pay"})
    invoice = Invoice.objects.get()
    assert invoice.buyer_name == "NEIME SARL"
    assert not Alert.objects.exists()


def test_payer_with_refused_company_data_starts_no_payment_and_keeps_it(
    organization, http, incomplete
):
    data = {**TYPED, "postcode": "8910", "action": "pay"}
    response = http.post(shop(organization, "checkout"), data)
    page = text(response)
    assert response.status_code == 200
    assert "Le paiement n'a pas commencé" in page
    assert "Un code postal français compte 5 chiffres." in page
    assert 'value="NEIME SARL"' in page and 'value="8910"' in page
    assert not Sale.objects.exists()
    incomplete.refresh_from_db()
    assert incomplete.company_name == ""


def test_payer_with_the_company_fields_untouched_pays_without_them(
    organization, http, incomplete
):
    untouched = {name: "" for name in TYPED} | {"country": "FR"}
    response = http.post(shop(organization, "checkout"), {**untouched, "action": "pay"})
    assert response.status_code == 302
    assert "/paiement-simule/" in response["Location"]
    assert Sale.objects.get().client == incomplete
