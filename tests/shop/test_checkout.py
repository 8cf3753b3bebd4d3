"""Checkout: members only, a summary with VAT, a pending online sale at the
member's prices, then the provider's payment page."""

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from comptoir.sales.models import Channel, Sale, SaleStatus
from tests import factories
from tests.shop.fixtures import add_to_cart, shop, start_payment, text

pytestmark = pytest.mark.django_db


def test_a_visitor_is_asked_to_log_in(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    response = http.get(shop(organization, "checkout"))
    assert response.status_code == 302
    assert response["Location"].startswith(
        f"/{organization.slug}/espace-membre/connexion/?next="
    )
    assert (
        http.post(shop(organization, "checkout"), {"action": "pay"}).status_code == 302
    )
    assert not Sale.objects.exists()


def test_an_empty_basket_goes_back_to_the_cart(organization, as_member):
    response = as_member.get(shop(organization, "checkout"))
    assert response["Location"] == shop(organization, "cart")


def test_summary_shows_lines_and_vat_breakdown(
    organization, products, group_price, as_member
):
    add_to_cart(as_member, organization, products["ticket"], 2)
    add_to_cart(as_member, organization, products["snack"])
    page = as_member.get(shop(organization, "checkout")).content.decode()
    # 2 × 26.00 at 20 % + 20.00 at 10 %.
    assert "Récapitulatif de votre commande" in page
    assert "52,00\xa0€" in page
    assert "TVA 20\xa0% sur 43,33\xa0€ HT" in page
    assert "TVA 10\xa0% sur 18,18\xa0€ HT" in page
    assert "Payer 72,00\xa0€" in page
    assert "Votre facture sera émise automatiquement" in page


def test_paying_creates_a_pending_online_sale_at_the_group_price(
    organization, products, group_price, as_member, member
):
    add_to_cart(as_member, organization, products["ticket"], 2)
    add_to_cart(as_member, organization, products["voucher"])
    page = start_payment(as_member, organization)
    assert page.startswith(f"/{organization.slug}/paiement-simule/")
    sale = Sale.objects.get()
    assert (sale.channel, sale.status, sale.client) == (
        Channel.ONLINE,
        SaleStatus.PENDING,
        member,
    )
    assert sale.created_by == member.user
    lines = {ln.description: ln for ln in sale.lines.all()}
    assert lines["Entrée 1h"].unit_price_incl == Decimal("26.00")
    assert lines["Entrée 1h"].quantity == 2
    assert lines["Bon cadeau 150 €"].vat_rate is None
    assert sale.total_incl == Decimal("202.00")


def test_a_new_checkout_abandons_the_unpaid_one(organization, products, as_member):
    add_to_cart(as_member, organization, products["ticket"])
    start_payment(as_member, organization)
    add_to_cart(as_member, organization, products["snack"])
    start_payment(as_member, organization)
    first, second = Sale.objects.order_by("pk")
    assert first.status == SaleStatus.ABANDONED
    assert second.status == SaleStatus.PENDING
    assert second.total_incl == Decimal("50.00")


def test_the_simulated_payment_page_shows_merchant_and_amount(
    organization, park, products, as_member
):
    add_to_cart(as_member, organization, products["ticket"])
    page = as_member.get(start_payment(as_member, organization)).content.decode()
    assert f"Paiement à {park.name}" in page
    assert "30,00\xa0€" in page
    for label in ("Payer", "Refuser", "Abandonner"):
        assert label in page


def test_a_forged_payment_page_token_is_a_404(organization, park, as_member):
    response = as_member.get(shop(organization, "simulator", token="forged:token"))
    assert response.status_code == 404


def test_products_of_two_parks_are_ordered_separately(
    organization, park, products, as_member
):
    second_park = factories.park(organization)
    karting = factories.products(second_park)["ticket"]
    add_to_cart(as_member, organization, products["ticket"])
    add_to_cart(as_member, organization, karting)
    page = text(as_member.get(shop(organization, "cart")))
    assert "plusieurs parcs\u00a0: commandez-les séparément" in page
    response = as_member.post(shop(organization, "checkout"), {"action": "pay"})
    assert response["Location"] == shop(organization, "cart")
    assert not Sale.objects.exists()
