"""A manager sets the park's seller identity and terms; issued invoices keep
theirs, and the series code stays once a document carries it."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client as HttpClient

from comptoir.core.models import AuditEvent
from comptoir.organizations.models import Park
from tests import factories

from .parks import park_data, park_url
from .state import fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_manager(manager) -> HttpClient:
    http = HttpClient()
    http.force_login(manager)
    return http


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_manager_changes_the_seller_and_the_page_tells_who_did_what(
    as_manager, park
):
    response = as_manager.post(
        park_url(park),
        park_data(
            park,
            company_name="TRAMPO SENS SAS",
            siren="852 345 677",
            siret="852 345 677 00011",
            vat_number="fr 61 852345677",
            vat_on_debits=True,
        ),
    )
    assert response.status_code == 302
    park.refresh_from_db()
    assert park.company_name == "TRAMPO SENS SAS"
    assert (park.siren, park.siret) == ("852345677", "85234567700011")
    assert park.vat_number == "FR61852345677"
    assert park.vat_on_debits is True
    event = AuditEvent.objects.get(action="organizations.park.updated")
    assert event.data["fields"] == ["company_name", "vat_on_debits"]

    page = text(as_manager.get(park_url(park)))
    assert "Réglages du parc enregistrés" in page
    assert "Raison sociale : « PARC" in page
    assert "» → « TRAMPO SENS SAS »" in page
    assert "TVA acquittée d'après les débits : « Non » → « Oui »" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siren": "852345678"}, "siren", "Ce numéro SIREN n'est pas valide"),
        ({"siren": "85234567"}, "siren", "Le SIREN compte 9 chiffres."),
        ({"siret": "85234567700012"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"siret": "73282932000074"}, "siret", "doit commencer par le SIREN"),
        ({"vat_number": "FR28324567890"}, "vat_number", "ne correspond pas au SIREN"),
        ({"vat_number": "FR00852345677"}, "vat_number", "n'est pas valide"),
        ({"postcode": "8910"}, "postcode", "Un code postal français compte 5"),
        ({"company_name": ""}, "company_name", "Ce champ est obligatoire."),
        ({"invoice_series": "K-1"}, "invoice_series", "De 1 à 10 lettres"),
        ({"email": "pas-un-email"}, "email", "adresse de courriel valide"),
    ],
)
def test_invalid_settings_are_refused_in_french_and_nothing_is_saved(
    as_manager, park, changes, field, message
):
    before = fingerprint()
    response = as_manager.post(park_url(park), park_data(park, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    page = text(response)
    assert message in page
    assert "Les réglages du parc ne sont pas enregistrés" in page
    assert fingerprint() == before


def test_the_page_shows_the_stored_park_not_the_refused_input(as_manager, park):
    response = as_manager.post(
        park_url(park), park_data(park, name="Nouveau nom", siren="1")
    )
    assert response.context["park"].name == park.name


def test_two_parks_of_an_organization_cannot_share_a_series(
    as_manager, organization, park
):
    other = factories.park(organization, series="ZZ")
    response = as_manager.post(park_url(other), park_data(other, invoice_series="zz "))
    assert response.status_code == 302
    response = as_manager.post(
        park_url(other), park_data(other, invoice_series=park.invoice_series.lower())
    )
    assert response.status_code == 200
    assert "Un autre parc utilise déjà ce code." in text(response)


def test_the_series_code_is_frozen_once_the_park_has_issued_a_document(
    as_manager, park, member, products
):
    page = text(as_manager.get(park_url(park)))
    assert "Il ne pourra plus être modifié après la première facture" in page
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))

    response = as_manager.get(park_url(park))
    assert response.context["form"].fields["invoice_series"].disabled
    assert "il ne peut plus être modifié, pour que la numérotation reste" in text(
        response
    )
    series = park.invoice_series
    response = as_manager.post(
        park_url(park), park_data(park, invoice_series="NEW", city="AUXERRE")
    )
    assert response.status_code == 302
    park.refresh_from_db()
    assert park.invoice_series == series  # a forged value is ignored
    assert park.city == "AUXERRE"


def test_an_issued_invoice_keeps_the_seller_it_was_issued_with(
    as_manager, park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = sale.invoices.get()
    seller = dict(invoice.snapshot["seller"])
    as_manager.post(
        park_url(park),
        park_data(park, name="Parc renommé", company_name="NOUVELLE SOCIETE SAS"),
    )
    park.refresh_from_db()
    assert park.company_name == "NOUVELLE SOCIETE SAS"
    invoice.refresh_from_db()
    assert invoice.snapshot["seller"] == seller
    assert seller["company_name"] != "NOUVELLE SOCIETE SAS"

    later = factories.paid_online_sale(
        park, member, factories.basket(products, ("snack", 1))
    )
    assert later.invoices.get().snapshot["seller"]["name"] == "Parc renommé"


def test_the_park_list_shows_only_the_organizations_parks(as_manager, park):
    other_park = factories.park(factories.organization())
    response = as_manager.get("/backoffice/parcs/")
    page = text(response)
    assert park.name in page
    assert other_park.name not in page
    assert Park.objects.count() == 2


def test_the_park_page_reads_in_english(as_manager, park):
    as_manager.cookies["django_language"] = "en"
    page = text(as_manager.get(park_url(park)))
    assert "Park settings" in page
    assert "Invoice series code" in page
    assert "Seller identity" in page
