"""« Votre profil »: the back office's validation, in French; what is missing
for automatic invoices; issued invoices never change."""

import pytest

from comptoir.core.models import AuditEvent
from comptoir.invoicing.models import Invoice
from tests import factories
from tests.shop.fixtures import members, signed_in, text

pytestmark = pytest.mark.django_db


def _data(client, **changes):
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "phone": client.phone,
        "address": client.address,
        "address_complement": client.address_complement,
        "city": client.city,
        "postcode": client.postcode,
        "country": client.country,
        "company_name": client.company_name,
        "accounting_code": client.accounting_code,
        "vat_number": client.vat_number,
        "siret": client.siret,
    }
    data.update(changes)
    return data


def test_the_profile_shows_contact_and_company_data(organization, member, as_member):
    page = text(as_member.get(members(organization, "profile")))
    assert "Coordonnées" in page and "Données d'entreprise" in page
    assert member.company_name in page and member.siret in page
    assert "Votre fiche est complète" in page


def test_missing_fields_are_named(organization, park, group):
    client = factories.client(
        park, groups=[group], with_account=True, complete=False, city="SENS"
    )
    page = text(signed_in(client.user).get(members(organization, "profile")))
    assert "Vos factures ne peuvent pas encore être émises automatiquement." in page
    assert "Champs manquants : Raison sociale, Adresse, Code postal." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"siret": "32456789000012"},
            "Ce numéro SIRET n'est pas valide (clé incorrecte).",
        ),
        (
            {"siret": "1234"},
            "Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres).",
        ),
        ({"postcode": "8953"}, "Un code postal français compte 5 chiffres."),
        ({"vat_number": "FR00123456789"}, "Ce numéro de TVA français n'est pas valide"),
        (
            {"vat_number": "FR61852345677"},
            "Ce numéro de TVA ne correspond pas au SIREN de l'entreprise.",
        ),
        ({"last_name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_invalid_data_is_refused_in_french(
    organization, member, as_member, changes, message
):
    response = as_member.post(
        members(organization, "profile"), _data(member, **changes)
    )
    page = text(response)
    assert response.status_code == 200
    assert message in page
    assert "Votre profil n'a pas été enregistré" in page
    member.refresh_from_db()
    assert member.siret == "32456789000011" and member.postcode == "89530"


def test_a_valid_edit_is_saved_and_audited(organization, member, as_member):
    response = as_member.post(
        members(organization, "profile"),
        _data(member, phone="0612345678", vat_number="fr 28 324567890"),
    )
    assert response["Location"] == members(organization, "profile")
    member.refresh_from_db()
    assert (member.phone, member.vat_number) == ("0612345678", "FR28324567890")
    event = AuditEvent.objects.get(action="customers.client.updated")
    assert event.actor == member.user
    assert "phone" in event.data["fields"]


def test_the_login_email_cannot_be_changed_here(organization, member, as_member):
    as_member.post(
        members(organization, "profile"), _data(member, email="hijack@example.com")
    )
    member.refresh_from_db()
    assert member.email != "hijack@example.com"


def test_groups_cannot_be_joined_from_the_profile(organization, member, as_member):
    other_group = factories.group(organization, name="Club secret")
    as_member.post(
        members(organization, "profile"), _data(member, groups=[other_group.pk])
    )
    assert not member.groups.filter(pk=other_group.pk).exists()


def test_editing_never_changes_an_issued_invoice(
    organization, park, products, member, as_member
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    before = (invoice.buyer_name, invoice.snapshot, invoice.hash)
    as_member.post(
        members(organization, "profile"),
        _data(member, company_name="NEW NAME SAS", city="PARIS", postcode="75001"),
    )
    member.refresh_from_db()
    assert member.company_name == "NEW NAME SAS"
    invoice.refresh_from_db()
    assert (invoice.buyer_name, invoice.snapshot, invoice.hash) == before
