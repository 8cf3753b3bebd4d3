"""The basket lives in the session: add, change the quantity, remove."""

import pytest
from django.test import Client as HttpClient

from tests import factories
from tests.shop.fixtures import add_to_cart, cart_lines, shop

pytestmark = pytest.mark.django_db


def test_add_then_add_again_sums_the_quantity(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"], 2)
    add_to_cart(http, organization, products["ticket"], 1)
    lines = cart_lines(http, organization)
    assert [(ln["product"], ln["quantity"]) for ln in lines] == [
        (products["ticket"].pk, 3)
    ]
    page = http.get(shop(organization, "cart")).content.decode()
    assert 'class="cart-count">3<' in page
    assert "90,00\xa0€" in page


def test_change_quantity_and_remove(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    add_to_cart(http, organization, products["snack"])
    ticket_line, snack_line = cart_lines(http, organization)
    http.post(
        shop(organization, "cart_update"), {"line": ticket_line["id"], "quantity": 4}
    )
    assert cart_lines(http, organization)[0]["quantity"] == 4
    http.post(shop(organization, "cart_remove"), {"line": ticket_line["id"]})
    assert [ln["id"] for ln in cart_lines(http, organization)] == [snack_line["id"]]
    http.post(
        shop(organization, "cart_update"), {"line": snack_line["id"], "quantity": 0}
    )
    assert cart_lines(http, organization) == []
    page = http.get(shop(organization, "cart")).content.decode()
    assert "Votre panier est vide" in page


def test_invalid_quantity_is_refused_in_french(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    line = cart_lines(http, organization)[0]
    response = http.post(
        shop(organization, "cart_update"),
        {"line": line["id"], "quantity": 500},
        follow=True,
    )
    assert "Saisissez une quantité entre 0 et 99." in response.content.decode()
    assert cart_lines(http, organization)[0]["quantity"] == 1


def test_cart_shows_the_vat_summary(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    add_to_cart(http, organization, products["snack"])
    page = http.get(shop(organization, "cart")).content.decode()
    # 30.00 at 20 % + 20.00 at 10 %: 25.00 + 18.18 excl. VAT.
    assert "TVA 20\xa0% sur 25,00\xa0€ HT" in page
    assert "TVA 10\xa0% sur 18,18\xa0€ HT" in page
    assert "43,18\xa0€" in page and "50,00\xa0€" in page


def test_a_private_product_cannot_be_added_by_a_visitor(organization, private_pack):
    response = add_to_cart(HttpClient(), organization, private_pack)
    assert response.status_code == 404


def test_another_organizations_product_cannot_be_added(organization, park):
    other_park = factories.park(factories.organization())
    foreign = factories.products(other_park)["ticket"]
    response = add_to_cart(HttpClient(), organization, foreign)
    assert response.status_code == 404


def test_each_organization_has_its_own_basket(
    organization, products, other_organization
):
    other, other_park, _, _ = other_organization
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    assert cart_lines(http, other) == []
    page = http.get(shop(other, "home")).content.decode()
    assert 'class="cart-count">0<' in page


def test_a_product_withdrawn_from_sale_leaves_the_basket(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    products["ticket"].active = False
    products["ticket"].save()
    response = http.get(shop(organization, "cart"))
    assert "ne sont plus disponibles" in response.content.decode()
    assert cart_lines(http, organization) == []


def test_cart_forms_need_the_csrf_token(organization, products):
    http = HttpClient(enforce_csrf_checks=True)
    response = add_to_cart(http, organization, products["ticket"])
    assert response.status_code == 403
    assert cart_lines(http, organization) == []
