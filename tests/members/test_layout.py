"""The seed's layout: header, park brand, side menu, greeting; FR and EN."""

import pytest

from tests import factories
from tests.shop.fixtures import add_to_cart, members, signed_in, text

pytestmark = pytest.mark.django_db

MENU = [
    "Boutique privée",
    "Vos factures",
    "Votre profil",
    "Vos réservations",
    "Vos billets",
    "Vos bons cadeaux",
    "Déconnexion",
]


def test_header_menu_and_greeting(organization, park, products, member, as_member):
    add_to_cart(as_member, organization, products["ticket"], 2)
    page = text(as_member.get(members(organization, "home")))
    assert "Retour boutique" in page
    assert 'Panier (<span class="cart-count">2</span>)' in page
    assert 'name="language" value="fr"' in page
    assert 'name="language" value="en"' in page
    assert park.name in page
    positions = [page.index(label) for label in MENU]
    assert positions == sorted(positions)
    assert f"Bonjour {member.first_name}," in page
    assert "Bienvenue dans votre espace membre" in page


def test_vos_factures_only_for_eligible_members(organization, park):
    closed = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[closed], with_account=True)
    http = signed_in(client.user)
    for name in ("home", "profile", "bookings", "tickets", "vouchers"):
        page = text(http.get(members(organization, name)))
        assert "Vos factures" not in page
        assert "Vos billets" in page


def test_english_on_request(organization, member, as_member):
    response = as_member.post(
        "/i18n/setlang/",
        {"language": "en", "next": members(organization, "home")},
        follow=True,
    )
    page = text(response)
    assert f"Hello {member.first_name}," in page
    assert "Welcome to your member area" in page
    for label in ("Back to shop", "Cart (", "Your invoices", "Log out"):
        assert label in page
    assert "Bienvenue dans votre espace membre" not in page


def test_english_follows_the_browser(organization, park, products, member, as_member):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    page = text(
        as_member.get(members(organization, "invoices"), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert "Here is the list of your invoices" in page
    assert "Invoice number" in page and "Amount excl. VAT" in page
    assert "Numéro de Facture" not in page


def test_pages_load_only_same_origin_css_and_no_script(organization, as_member):
    response = as_member.get(members(organization, "home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()
