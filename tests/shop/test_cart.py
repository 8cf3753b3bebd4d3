"""The basket lives in a signed cookie: add, change the quantity, remove."""

import pytest
from django.core import signing
from django.test import Client as HttpClient
from django.test import override_settings

from comptoir.storefront.cart import MAX_LINES
from tests import factories
from tests.shop.fixtures import add_to_cart, cart_lines, members, set_cart_lines, shop

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


def test_a_private_product_added_by_a_visitor_leaves_the_basket_at_once(
    organization, private_pack
):
    """Adding reads no database: the page the visitor comes back to judges
    the basket against what it may buy, and says so."""
    http = HttpClient()
    response = add_to_cart(http, organization, private_pack)
    page = http.get(response["Location"]).content.decode()
    assert "ne sont plus disponibles et ont été retirés" in page
    assert 'class="cart-count">0<' in page
    assert 'data-testid="added-note"' not in page
    assert cart_lines(http, organization) == []


def test_another_organizations_product_is_never_sold_here(organization, park):
    other_park = factories.park(factories.organization())
    foreign = factories.products(other_park)["ticket"]
    http = HttpClient()
    add_to_cart(http, organization, foreign)
    page = http.get(shop(organization, "cart")).content.decode()
    assert "ne sont plus disponibles et ont été retirés" in page
    assert cart_lines(http, organization) == []


def test_a_tampered_basket_cookie_is_an_empty_basket(organization, products):
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    cookie = next(name for name in http.cookies if name.startswith("comptoir_basket"))
    payload, signature = http.cookies[cookie].value.split(":", 1)
    # The product line as it would be with 9 tickets, under the old signature.
    forged = signing.b64_encode(
        signing.b64_decode(payload.encode()).replace(b",1,", b",9,")
    ).decode()
    assert forged != payload
    http.cookies[cookie] = f"{forged}:{signature}"
    assert cart_lines(http, organization) == []
    page = http.get(shop(organization, "cart")).content.decode()
    assert 'class="cart-count">0<' in page


def test_logging_out_empties_the_basket(organization, products, member):
    http = HttpClient()
    http.force_login(member.user)
    add_to_cart(http, organization, products["ticket"])
    assert cart_lines(http, organization)
    http.post(members(organization, "logout"))
    assert cart_lines(http, organization) == []


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


def test_the_basket_cookie_is_http_only_and_scoped_to_the_organization(
    organization, products
):
    response = add_to_cart(HttpClient(), organization, products["ticket"])
    cookie = response.cookies[f"comptoir_basket_{organization.slug}"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == shop(organization, "home")


def test_one_organizations_basket_is_not_read_by_another(
    organization, products, other_organization
):
    """Its signature names the organization: copied under another
    organization's name, it is an empty basket."""
    other, *_ = other_organization
    http = HttpClient()
    add_to_cart(http, organization, products["ticket"])
    value = http.cookies[f"comptoir_basket_{organization.slug}"].value
    http.cookies[f"comptoir_basket_{other.slug}"] = value
    assert cart_lines(http, organization)
    assert cart_lines(http, other) == []


def test_a_basket_holds_a_bounded_number_of_lines(organization, park):
    """The cookie must fit: past MAX_LINES distinct products, adding is
    refused with a message, and the basket keeps what it had."""
    http = HttpClient()
    ids = list(range(10_000, 10_000 + MAX_LINES))
    set_cart_lines(
        http,
        organization,
        [{"id": f"{n:08x}", "product": n, "quantity": 1, "start": None} for n in ids],
    )
    product = factories.products(park)["ticket"]
    response = add_to_cart(http, organization, product)
    assert response["Location"] == shop(organization, "cart")
    assert [line["product"] for line in cart_lines(http, organization)] == ids
    page = http.get(shop(organization, "cart")).content.decode()
    assert f"Un panier contient au plus {MAX_LINES} produits différents" in page


@override_settings(SESSION_COOKIE_SECURE=True)
def test_the_basket_cookie_is_secure_when_the_session_cookie_is(organization, products):
    response = add_to_cart(HttpClient(), organization, products["ticket"])
    assert response.cookies[f"comptoir_basket_{organization.slug}"]["secure"] is True
    assert response.cookies[f"comptoir_added_{organization.slug}"]["secure"] is True
