"""Client records: search, filters, the record form and its checks."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from comptoir.core.audit import history
from comptoir.customers.models import Client
from tests import factories

pytestmark = pytest.mark.django_db


def record(**overrides):
    data = {
        "first_name": "Eric",
        "last_name": "BAY",
        "email": "eric@baycorp.example",
        "profile": "professional",
        "initial_park": "",
        "phone": "0679849822",
        "address": "281 BIS Bd Raspail",
        "address_complement": "",
        "city": "MOUTIERS EN PUISAYE",
        "postcode": "89530",
        "country": "FR",
        "company_name": "BAYCORP INC",
        "accounting_code": "491123456",
        "vat_number": "FR28324567890",
        "siret": "324 567 890 00011",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("neime", "NEIME"),
        ("baycorp", "BAY"),
        ("claude@", "NEIME"),
        ("sens", "NEIME"),
        ("411999", "NEIME"),
    ],
)
def test_search_by_name_company_email_city_and_account(
    as_cashier, park, query, expected
):
    factories.client(park, last_name="BAY", company_name="BAYCORP", city="PARIS")
    factories.client(
        park,
        complete=False,
        last_name="NEIME",
        email="claude@example.com",
        city="SENS",
        accounting_code="411999",
    )
    content = as_cashier.get(reverse("backoffice:clients"), {"q": query}).content
    rows = content.decode().split("<tbody>")[1]
    assert expected in rows
    other = {"NEIME": "BAYCORP", "BAY": "NEIME"}[expected]
    assert other not in rows


def test_filters_by_group_and_profile(as_cashier, park, group):
    factories.client(park, groups=[group], last_name="MEMBRE", profile="professional")
    factories.client(park, last_name="SOLO", profile="individual")
    by_group = as_cashier.get(reverse("backoffice:clients"), {"group": group.pk})
    assert "MEMBRE" in by_group.content.decode()
    assert "SOLO" not in by_group.content.decode()
    by_profile = as_cashier.get(
        reverse("backoffice:clients"), {"profile": "individual"}
    )
    assert "SOLO" in by_profile.content.decode()
    assert "MEMBRE" not in by_profile.content.decode()


def test_the_list_is_paginated(as_cashier, park):
    for n in range(55):
        factories.client(park, last_name=f"CLIENT{n:02d}")
    first = as_cashier.get(reverse("backoffice:clients")).content.decode()
    second = as_cashier.get(reverse("backoffice:clients"), {"page": 2}).content.decode()
    assert "Page 1 sur 2" in first
    assert "CLIENT00" in first and "CLIENT54" not in first
    assert "CLIENT54" in second and "CLIENT00" not in second


def test_the_list_says_what_is_missing_for_invoices(as_cashier, incomplete_member):
    content = as_cashier.get(reverse("backoffice:clients")).content.decode()
    assert "Manque : Raison sociale, Adresse, Code postal, Ville" in content


def test_the_record_is_grouped_as_the_seed_and_marks_invoice_fields(
    as_manager, incomplete_member
):
    content = as_manager.get(
        reverse("backoffice:client", kwargs={"pk": incomplete_member.pk})
    ).content.decode()
    for label in [
        "Groupes de clients",
        "Téléphone",
        "Complément d&#x27;adresse",
        "Pays",
        "Données d&#x27;entreprise",
        "Code comptable compte tiers",
        "Numéro de TVA",
        "Siret / Immat.",
    ]:
        assert label in content
    company = content.index("Données d&#x27;entreprise")
    assert content.index("Téléphone") < company < content.index("Numéro de TVA")
    assert content.count('class="req"') == 4
    assert "Champs obligatoires pour que la facture en ligne soit générée" in content
    assert "Champs manquants : Raison sociale, Adresse, Code postal, Ville." in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "324 567 890 00012", "Ce numéro SIRET n&#x27;est pas valide"),
        ("siret", "324 567 891", "Ce numéro SIREN n&#x27;est pas valide"),
        ("vat_number", "FR00324567890", "Ce numéro de TVA français n&#x27;est pas"),
        (
            "vat_number",
            "FR61852345677",
            "Ce numéro de TVA ne correspond pas au SIREN",
        ),
        ("postcode", "8953", "Un code postal français compte 5 chiffres."),
        ("last_name", "", "Ce champ est obligatoire."),
    ],
)
def test_the_record_is_checked_with_french_messages(
    as_cashier, member, field, value, message
):
    url = reverse("backoffice:client", kwargs={"pk": member.pk})
    response = as_cashier.post(url, record(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.first_name == "Eric"  # unchanged: nothing saved
    assert member.phone == ""


def test_a_foreign_postcode_is_accepted_outside_france(as_cashier, member):
    url = reverse("backoffice:client", kwargs={"pk": member.pk})
    response = as_cashier.post(
        url, record(country="BE", postcode="1000", vat_number="", siret="")
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.postcode == "1000"


def test_saving_the_record_is_audited_and_shown_in_the_history(
    as_cashier, cashier, incomplete_member
):
    url = reverse("backoffice:client", kwargs={"pk": incomplete_member.pk})
    response = as_cashier.post(url, record(), follow=True)
    incomplete_member.refresh_from_db()
    assert incomplete_member.company_name == "BAYCORP INC"
    assert incomplete_member.vat_number == "FR28324567890"
    event = history(incomplete_member).get(action="customers.client.updated")
    assert event.actor == cashier
    assert "company_name" in event.data["fields"]
    content = response.content.decode()
    assert "Fiche enregistrée : elle est complète pour la facturation." in content
    assert "Fiche modifiée : " in content
    assert "Raison sociale" in content.split("Historique")[1]


def test_a_cashier_does_not_change_groups_a_manager_does(
    as_cashier, as_manager, park, group, member
):
    url = reverse("backoffice:client", kwargs={"pk": member.pk})
    assert 'name="groups"' not in as_cashier.get(url).content.decode()
    as_cashier.post(url, record(groups=[]))
    assert member.groups.filter(pk=group.pk).exists()
    as_manager.post(url, record())  # no box ticked: leaves the group
    assert not member.groups.filter(pk=group.pk).exists()


def test_a_manager_cannot_pick_another_organizations_group(as_manager, member, other):
    url = reverse("backoffice:client", kwargs={"pk": member.pk})
    response = as_manager.post(url, record(groups=[other.group.pk]))
    assert response.status_code == 200
    assert not member.groups.filter(pk=other.group.pk).exists()


def test_creating_a_client(as_cashier, cashier, organization, park):
    response = as_cashier.post(
        reverse("backoffice:client_create"), record(initial_park=park.pk)
    )
    client = Client.objects.get(organization=organization, last_name="BAY")
    assert response["Location"] == reverse(
        "backoffice:client", kwargs={"pk": client.pk}
    )
    assert client.initial_park == park
    assert history(client).get(action="customers.client.created").actor == cashier


def test_saving_returns_to_where_the_operator_came_from(as_cashier, member):
    url = reverse("backoffice:client", kwargs={"pk": member.pk})
    back = reverse("backoffice:alerts")
    response = as_cashier.post(url, record(next=back))
    assert response["Location"] == back
    response = as_cashier.post(url, record(next="https://evil.example/"))
    assert response["Location"] == url


def test_inviting_a_client_to_the_member_space(as_cashier, cashier, park):
    client = factories.client(park, email="invite@example.com")
    url = reverse("backoffice:client_invite", kwargs={"pk": client.pk})
    response = as_cashier.post(url, follow=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invite@example.com"]
    client.refresh_from_db()
    assert client.user is not None
    link = f"/{client.organization.slug}/espace-membre/bienvenue/"
    assert settings.SITE_URL.rstrip("/") + link in mail.outbox[0].body
    assert history(client).get(action="customers.client.invited").actor == cashier
    assert "Invitation à l&#x27;espace membre envoyée" in response.content.decode()


def test_inviting_needs_an_email(as_cashier, park):
    client = factories.client(park, email="")
    url = reverse("backoffice:client_invite", kwargs={"pk": client.pk})
    response = as_cashier.post(url, follow=True)
    assert "Ajoutez d&#x27;abord l&#x27;adresse email" in response.content.decode()
    assert mail.outbox == []
