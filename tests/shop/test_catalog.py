"""Visitors see public products at public prices; members their groups' shop."""

import pytest
from django.test import Client as HttpClient

from tests import factories
from tests.shop.fixtures import shop, signed_in

pytestmark = pytest.mark.django_db


def test_root_leads_to_the_first_organizations_shop(organization, park):
    response = HttpClient().get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/{organization.slug}/"


def test_unknown_organization_is_a_404(db):
    assert HttpClient().get("/nope/").status_code == 404
    assert HttpClient().get("/nope/panier/").status_code == 404
    assert HttpClient().get("/nope/espace-membre/factures/").status_code == 404


def test_visitor_sees_public_products_at_public_price_only(
    organization, products, private_pack, group_price
):
    page = HttpClient().get(shop(organization, "home")).content.decode()
    assert "Entrée 1h" in page
    assert "30,00\xa0€" in page
    assert "26,00\xa0€" not in page
    assert "Pack CE 10 entrées" not in page
    assert 'Panier (<span class="cart-count">0</span>)' in page


def test_member_sees_its_groups_private_shop_at_group_price(
    organization, products, private_pack, group_price, as_member
):
    page = as_member.get(shop(organization, "home")).content.decode()
    assert "Boutique privée" in page
    assert "Pack CE 10 entrées" in page
    assert "200,00\xa0€" in page
    assert "26,00\xa0€" in page
    # The public price is shown struck out beside the group price.
    assert '<s class="price-old"' in page


def test_private_shop_closed_when_the_group_has_no_private_shop(
    organization, products, private_pack, member, group
):
    group.private_shop = False
    group.save()
    page = signed_in(member.user).get(shop(organization, "home")).content.decode()
    assert "Pack CE 10 entrées" not in page


def test_member_of_another_organization_is_a_visitor_here(
    organization, park, products, private_pack, other_organization
):
    _, _, _, outsider = other_organization
    page = signed_in(outsider.user).get(shop(organization, "home")).content.decode()
    assert "Pack CE 10 entrées" not in page
    assert outsider.first_name not in page.split("<main")[0]
    assert "Espace membre" in page


def test_staff_user_is_a_visitor_in_the_shop(organization, private_pack, manager):
    page = signed_in(manager).get(shop(organization, "home")).content.decode()
    assert "Pack CE 10 entrées" not in page


def test_inactive_products_are_not_sold(organization, park, products):
    products["socks"].active = False
    products["socks"].save()
    page = HttpClient().get(shop(organization, "home")).content.decode()
    assert "Chaussettes" not in page


def test_empty_catalog_says_so(organization, park):
    page = HttpClient().get(shop(organization, "home")).content.decode()
    assert "Aucun produit n'est en vente en ligne" in page


def test_products_of_another_organization_never_show(organization, park, products):
    other = factories.organization()
    other_park = factories.park(other)
    factories.products(other_park)["ticket"].name  # noqa: B018
    page = HttpClient().get(shop(organization, "home")).content.decode()
    assert page.count('data-testid="product"') == len(products)
