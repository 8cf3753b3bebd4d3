"""3b: an eligible member with an incomplete record is told at checkout that no
invoice can be issued automatically, and may complete it there or go on."""

import pytest

from comptoir.alerts.models import Alert
from comptoir.core.models import AuditEvent
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import SaleStatus
from tests import factories
from tests.shop.fixtures import (
    add_to_cart,
    pay_on_simulator,
    shop,
    signed_in,
    text,
)

pytestmark = pytest.mark.django_db

VALID = {
    "action": "company",
    "company_name": "NEIME SARL",
    "address": "4 place du Marché",
    "address_complement": "",
    "postcode": "89100",
    "city": "SENS",
    "country": "FR",
    "vat_number": "FR28324567890",
    "siret": "32456789000011",
}


def test_the_checkout_says_no_invoice_and_offers_the_company_fields(organization, http):
    page = http.get(shop(organization, "checkout")).content.decode()
    assert "Aucune facture ne pourra être émise automatiquement" in page
    assert "Raison sociale, Adresse, Code postal, Ville" in page
    assert 'name="company_name"' in page and 'name="siret"' in page
    assert "Payer 30,00\xa0€" in page


def test_invalid_company_data_is_refused_in_french(organization, http, incomplete):
    data = {**VALID, "siret": "32456789000012", "postcode": "8910", "city": ""}
    response = http.post(shop(organization, "checkout"), data)
    page = text(response)
    assert response.status_code == 200
    assert "Ce numéro SIRET n'est pas valide (clé incorrecte)." in page
    assert "Un code postal français compte 5 chiffres." in page
    assert "Ce champ est obligatoire." in page
    incomplete.refresh_from_db()
    assert incomplete.company_name == ""


def test_completed_there_the_invoice_is_issued_on_payment(
    organization, http, incomplete
):
    response = http.post(shop(organization, "checkout"), VALID, follow=True)
    page = text(response)
    assert "Vos données d'entreprise sont enregistrées" in page
    assert "Aucune facture ne pourra être émise" not in page
    incomplete.refresh_from_db()
    assert (incomplete.company_name, incomplete.city) == ("NEIME SARL", "SENS")
    event = AuditEvent.objects.get(action="customers.client.updated")
    assert event.actor == incomplete.user and "company_name" in event.data["fields"]

    pay_on_simulator(http, organization)
    invoice = Invoice.objects.get()
    assert invoice.buyer_name == "NEIME SARL"
    assert not Alert.objects.exists()


def test_going_on_without_them_pays_and_leaves_the_park_an_alert(organization, http):
    response = pay_on_simulator(http, organization)
    page = http.get(response["Location"]).content.decode()
    assert "Votre facture attend une fiche complète." in page
    assert "Compléter ma fiche" in page
    alert = Alert.objects.get()
    assert alert.sale.status == SaleStatus.PAID
    assert set(alert.missing_fields) >= {"company_name", "address"}
    assert not Invoice.objects.exists()


def test_a_complete_member_is_not_asked(organization, products, as_member):
    add_to_cart(as_member, organization, products["ticket"])
    page = as_member.get(shop(organization, "checkout")).content.decode()
    assert "Aucune facture ne pourra être émise" not in page
    assert 'name="company_name"' not in page


def test_a_member_without_online_invoices_is_not_asked(organization, park, products):
    group = factories.group(park.organization, online_invoices=False)
    client = factories.client(park, groups=[group], with_account=True, complete=False)
    http = signed_in(client.user)
    add_to_cart(http, organization, products["ticket"])
    page = http.get(shop(organization, "checkout")).content.decode()
    assert "Aucune facture ne pourra être émise" not in page
    assert "Votre facture sera émise automatiquement" not in page


def test_the_park_requiring_a_siren_asks_for_it(organization, park, http):
    park.require_buyer_siren = True
    park.save()
    page = http.get(shop(organization, "checkout")).content.decode()
    assert "SIREN / SIRET" in page
    response = http.post(shop(organization, "checkout"), {**VALID, "siret": ""})
    assert "Ce champ est obligatoire." in response.content.decode()
