"""Booking slots obey the cart's cap of MAX_QUANTITY of a product per basket.

Giving a line a slot freezes it, so the next "add" opens another line: the
cap counts every line of the product, or the slot endpoint would lift it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from comptoir.storefront.cart import MAX_QUANTITY
from tests.shop.fixtures import add_to_cart, cart_lines, set_cart_lines, shop, text

pytestmark = pytest.mark.django_db


def _slot(http, organization, line_id, days=10, time="14:00"):
    day = timezone.localdate() + dt.timedelta(days=days)
    return http.post(
        shop(organization, "cart_slot"),
        {
            "line": line_id,
            f"slot-{line_id}-line": line_id,
            f"slot-{line_id}-day": day.isoformat(),
            f"slot-{line_id}-time": time,
        },
        follow=True,
    )


def _total(http, organization, product) -> int:
    return sum(
        ln["quantity"]
        for ln in cart_lines(http, organization)
        if ln["product"] == product.pk
    )


def test_adding_again_after_a_slot_stays_within_the_cap(
    organization, products, as_member
):
    laser = products["laser"]
    for days in range(5):
        add_to_cart(as_member, organization, laser, MAX_QUANTITY)
        line = cart_lines(as_member, organization)[-1]
        _slot(as_member, organization, line["id"], days=10 + days)
    assert _total(as_member, organization, laser) == MAX_QUANTITY


def test_the_refused_extra_is_said_in_french(organization, products, as_member):
    laser = products["laser"]
    add_to_cart(as_member, organization, laser, 60)
    _slot(as_member, organization, cart_lines(as_member, organization)[0]["id"])
    response = add_to_cart(as_member, organization, laser, 60)
    page = text(as_member.get(response["Location"]))
    assert (
        f"Un panier contient au plus {MAX_QUANTITY} exemplaires d'un même produit"
        in page
    )
    assert _total(as_member, organization, laser) == MAX_QUANTITY


def test_giving_a_slot_trims_a_line_over_the_cap(organization, products, as_member):
    """A basket stored over the cap (an older version) is brought back under
    it when its booking is given a slot."""
    laser = products["laser"]
    add_to_cart(as_member, organization, laser, 80)
    first = cart_lines(as_member, organization)[0]
    _slot(as_member, organization, first["id"])
    set_cart_lines(
        as_member,
        organization,
        [
            *cart_lines(as_member, organization),
            {"id": "feedbeef", "product": laser.pk, "quantity": 80, "start": None},
        ],
    )
    _slot(as_member, organization, "feedbeef", days=11)
    assert _total(as_member, organization, laser) == MAX_QUANTITY


def test_other_products_keep_their_own_cap(organization, products, as_member):
    add_to_cart(as_member, organization, products["laser"], MAX_QUANTITY)
    add_to_cart(as_member, organization, products["ticket"], MAX_QUANTITY)
    assert _total(as_member, organization, products["ticket"]) == MAX_QUANTITY
