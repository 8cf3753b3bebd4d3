"""« Ajouter » answers where the member is looking: under the product's
button (with the basket's new count) and on the basket link, once."""

import pytest

from tests.shop.fixtures import add_to_cart, shop, text

pytestmark = pytest.mark.django_db


def card(page: str, product) -> str:
    return page.split(f'id="produit-{product.pk}"')[1].split("</article>")[0]


def test_the_added_products_card_says_so_with_the_basket_count(
    organization, products, as_member
):
    add_to_cart(as_member, organization, products["snack"])
    response = add_to_cart(as_member, organization, products["ticket"], quantity=2)
    assert response["Location"] == (
        f"{shop(organization, 'home')}#produit-{products['ticket'].pk}"
    )
    page = text(as_member.get(response["Location"]))
    note = card(page, products["ticket"])
    assert 'data-testid="added-note"' in note and 'role="status"' in note
    assert "Ajouté\xa0: 3 articles dans votre panier." in note
    assert f'href="{shop(organization, "cart")}"' in note
    assert 'data-testid="added-note"' not in card(page, products["snack"])
    assert "topbar-cart cart-bumped" in page
    assert '<span class="cart-count">3</span>' in page


def test_the_note_is_gone_on_the_next_visit(organization, products, as_member):
    response = add_to_cart(as_member, organization, products["ticket"])
    as_member.get(response["Location"])
    page = text(as_member.get(shop(organization, "home")))
    assert 'data-testid="added-note"' not in page
    assert "cart-bumped" not in page


def test_one_article_is_singular(organization, products, as_member):
    response = add_to_cart(as_member, organization, products["ticket"])
    page = text(as_member.get(response["Location"]))
    assert "Ajouté\xa0: 1 article dans votre panier." in page
