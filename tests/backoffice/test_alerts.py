"""Alerts: counted in the navigation, explained, acted on, then history."""

import pytest
from django.urls import reverse

from comptoir.alerts.models import Alert, AlertStatus
from tests import factories

pytestmark = pytest.mark.django_db

ALERTS = reverse("backoffice:alerts")


@pytest.fixture
def alerted_sale(park, incomplete_member, products):
    """An online sale of an eligible, incomplete client: paid, no invoice."""
    return factories.paid_online_sale(
        park, incomplete_member, factories.basket(products, ("ticket", 1))
    )


def complete(client):
    client.company_name, client.address = "NEIME SARL", "4 place du Marché"
    client.postcode, client.city = "89100", "SENS"
    client.save()


@pytest.mark.parametrize(
    "name",
    [
        "backoffice:dashboard",
        "backoffice:clients",
        "backoffice:sales",
        "backoffice:counter",
    ],
)
def test_the_open_alert_count_is_in_the_navigation_of_every_page(
    as_cashier, alerted_sale, name
):
    content = as_cashier.get(reverse(name)).content.decode()
    assert 'data-testid="nav-alerts"' in content
    nav = content.split('data-testid="nav-alerts"')[1].split("</a>")[0]
    assert '<span class="count hot"' in nav
    assert ">1</span>" in nav


def test_an_open_alert_says_which_client_sale_and_fields(as_cashier, alerted_sale):
    client = alerted_sale.client
    content = as_cashier.get(ALERTS).content.decode()
    assert (
        f"Facture non générée pour {client.display_name} — vente {alerted_sale.number}"
        in content
    )
    assert "Champs manquants : Raison sociale, Adresse, Code postal, Ville." in content
    record = reverse("backoffice:client", kwargs={"pk": client.pk})
    assert f'href="{record}?next=' in content
    assert "disabled" in content.split("Générer la facture")[0].rsplit("<button", 1)[1]


def test_once_the_record_is_complete_one_click_generates_and_closes(
    as_cashier, cashier, alerted_sale
):
    complete(alerted_sale.client)
    content = as_cashier.get(ALERTS).content.decode()
    assert "Fiche complétée" in content
    issue = reverse(
        "backoffice:sale_issue_invoice", kwargs={"public_id": alerted_sale.public_id}
    )
    response = as_cashier.post(issue, {"next": ALERTS})
    assert response["Location"] == ALERTS

    invoice = alerted_sale.invoices.get()
    alert = Alert.objects.get(sale=alerted_sale)
    assert alert.status == AlertStatus.CLOSED
    assert alert.closed_by == cashier
    assert invoice.number in alert.closed_reason

    open_page = as_cashier.get(ALERTS).content.decode()
    assert "Aucune alerte ouverte" in open_page
    history = as_cashier.get(ALERTS, {"etat": "fermees"}).content.decode()
    assert alerted_sale.number in history
    assert cashier.get_full_name() in history
    assert "Facture générée manuellement" in history
    assert "Manquait : Raison sociale" in history


def test_an_alert_closed_by_the_system_says_automatique(as_manager, alerted_sale):
    complete(alerted_sale.client)
    from comptoir.invoicing.services import issue_invoices

    issue_invoices(sale=alerted_sale, issued_by=None)
    history = as_manager.get(ALERTS, {"etat": "fermees"}).content.decode()
    assert "Automatique" in history
    assert "Facture générée automatiquement" in history


def test_the_completed_record_returns_to_the_alerts(as_cashier, alerted_sale):
    url = reverse("backoffice:client", kwargs={"pk": alerted_sale.client.pk})
    response = as_cashier.post(
        url,
        {
            "first_name": "Claude",
            "last_name": "NEIME",
            "email": alerted_sale.client.email,
            "profile": "professional",
            "country": "FR",
            "company_name": "NEIME SARL",
            "address": "4 place du Marché",
            "postcode": "89100",
            "city": "SENS",
            "next": ALERTS,
        },
    )
    assert response["Location"] == ALERTS
    assert "Fiche complétée" in as_cashier.get(ALERTS).content.decode()
