"""A member of a group without online invoices asks for the invoice of a
given sale: one button, one operator alert per sale however often it is
clicked, closed when the invoice is issued."""

import pytest
from django.test import Client as HttpClient

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.alerts.services import raise_invoice_request
from comptoir.invoicing.services import issue_invoices
from tests import factories
from tests.shop.fixtures import members, signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def julie(organization, park):
    vip = factories.group(organization, online_invoices=False, name="Club VIP")
    return factories.client(park, groups=[vip], with_account=True)


@pytest.fixture
def sale(park, products, julie):
    return factories.paid_online_sale(
        park, julie, factories.basket(products, ("ticket", 2))
    )


def ask(http: HttpClient, organization, sale):
    return http.post(
        members(organization, "request_invoice", sale_id=sale.public_id),
        {"next": members(organization, "home")},
        follow=True,
    )


def test_the_home_lists_the_purchases_with_a_button_to_ask(organization, julie, sale):
    page = text(signed_in(julie.user).get(members(organization, "home")))
    assert "Vos derniers achats" in page
    assert sale.number in page
    assert f"Demander une facture pour la vente {sale.number}" in page
    assert "simple demande" not in page


def test_asking_raises_one_alert_for_the_operator(organization, julie, sale):
    http = signed_in(julie.user)
    page = text(ask(http, organization, sale))
    assert f"Votre demande de facture pour la vente {sale.number} est envoyée" in page
    alert = Alert.objects.get()
    assert (alert.kind, alert.status) == (AlertKind.INVOICE_REQUESTED, "open")
    assert (alert.sale, alert.client) == (sale, julie)
    assert sale.number in alert.message
    assert "Demandée le" in page
    assert f"Demander une facture pour la vente {sale.number}" not in page


def test_asking_twice_changes_nothing(organization, julie, sale):
    http = signed_in(julie.user)
    ask(http, organization, sale)
    page = text(ask(http, organization, sale))
    assert "Vous avez déjà demandé la facture de la vente" in page
    assert Alert.objects.count() == 1


def test_a_request_lost_to_a_concurrent_one_returns_the_first(sale):
    first, created = raise_invoice_request(sale=sale, missing=[])
    again, created_again = raise_invoice_request(sale=sale, missing=[])
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Alert.objects.count() == 1


def test_issuing_the_invoice_closes_the_request(organization, julie, sale, manager):
    ask(signed_in(julie.user), organization, sale)
    issue_invoices(sale=sale, issued_by=manager)
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.CLOSED
    assert alert.closed_by == manager
    page = text(signed_in(julie.user).get(members(organization, "home")))
    assert "Émise" in page


def test_an_invoiced_sale_cannot_be_asked_for_again(organization, julie, sale):
    issue_invoices(sale=sale)
    page = text(ask(signed_in(julie.user), organization, sale))
    assert "Cette vente a déjà une facture." in page
    assert not Alert.objects.exists()


def test_another_members_sale_is_404(organization, park, products, julie, member):
    others = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    response = signed_in(julie.user).post(
        members(organization, "request_invoice", sale_id=others.public_id)
    )
    assert response.status_code == 404
    assert not Alert.objects.filter(kind=AlertKind.INVOICE_REQUESTED).exists()


def test_the_operator_sees_who_asked_for_which_sale(organization, julie, sale, manager):
    ask(signed_in(julie.user), organization, sale)
    page = text(signed_in(manager).get("/backoffice/alertes/"))
    assert f"Facture demandée par {julie.display_name} — vente {sale.number}" in page
    dashboard = text(signed_in(manager).get("/backoffice/"))
    assert f"Facture demandée\xa0: vente {sale.number}" in dashboard


def test_the_request_reads_in_english(organization, julie, sale):
    http = signed_in(julie.user)
    http.cookies["django_language"] = "en"
    page = text(http.get(members(organization, "home")))
    assert "Your latest purchases" in page
    assert f"Ask for an invoice for sale {sale.number}" in page
    page = text(ask(http, organization, sale))
    assert f"Your request for the invoice of sale {sale.number} has been sent" in page
    assert "Demander une facture" not in page
