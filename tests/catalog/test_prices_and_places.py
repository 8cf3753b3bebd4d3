"""Selectors the shop and the counter share: the client's price, the places
left in a slot, and how long a waiting basket holds its places."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from comptoir.catalog.models import GroupPrice
from comptoir.catalog.selectors import counter_products_of, offers_for, price_for
from comptoir.sales.models import Channel, Sale
from comptoir.sales.places import HOLD, day_availability, remaining_places
from comptoir.sales.services import (
    Item,
    PaymentMismatch,
    SaleError,
    create_sale,
    record_counter_sale,
)
from tests import factories

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _start(days=3, hour=14):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def test_the_counter_price_is_the_clients_best_group_price(
    organization, park, group, member, products
):
    ticket = products["ticket"]
    assert price_for(product=ticket, client=None).price_incl == Decimal("30.00")
    assert price_for(product=ticket, client=member).price_incl == Decimal("30.00")
    GroupPrice.objects.create(product=ticket, group=group, price_incl=Decimal("26"))
    vip = factories.group(organization, name="VIP")
    member.groups.add(vip)
    GroupPrice.objects.create(product=ticket, group=vip, price_incl=Decimal("24"))
    offer = price_for(product=ticket, client=member)
    assert (offer.price_incl, offer.group_name) == (Decimal("24.00"), "VIP")
    stranger = factories.client(park)
    assert price_for(product=ticket, client=stranger).price_incl == Decimal("30.00")


def test_a_group_price_with_no_amount_means_the_public_price(group, member, products):
    GroupPrice.objects.create(product=products["ticket"], group=group)
    offer = price_for(product=products["ticket"], client=member)
    assert offer.price_incl == Decimal("30.00")


def test_products_off_the_counter_are_not_offered_there(park, products):
    products["socks"].sold_at_counter = False
    products["socks"].save()
    offered = set(counter_products_of(park.pk))
    assert products["socks"] not in offered
    assert products["ticket"] in offered


def test_the_shop_follows_the_managers_order(organization, products):
    products["snack"].position = 1
    products["snack"].save()
    order = [
        o.product for o in offers_for(organization_id=organization.pk, client=None)
    ]
    assert order[-1] == products["snack"]


def test_a_product_without_slots_has_no_limit(products):
    assert remaining_places(product=products["laser"], starts_at=_start()) is None


def test_a_waiting_basket_holds_its_places_until_the_hold_ends(park, member, products):
    laser = products["laser"]
    factories.slot_schedule(laser, capacity=5)
    start = _start()
    sale = create_sale(
        park=park,
        client=member,
        channel=Channel.ONLINE,
        items=[Item(laser, 3, booking_start=start)],
    )
    assert remaining_places(product=laser, starts_at=start) == 2
    Sale.objects.filter(pk=sale.pk).update(
        created_at=timezone.now() - HOLD - dt.timedelta(minutes=1)
    )
    assert remaining_places(product=laser, starts_at=start) == 5


def test_a_late_payment_is_refused_when_its_places_went_to_someone_else(
    park, member, products
):
    laser = products["laser"]
    factories.slot_schedule(laser, capacity=4)
    start = _start()
    late = create_sale(
        park=park,
        client=member,
        channel=Channel.ONLINE,
        items=[Item(laser, 3, booking_start=start)],
    )
    Sale.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - HOLD - dt.timedelta(minutes=1)
    )
    factories.paid_online_sale(park, member, [Item(laser, 2, booking_start=start)])
    with pytest.raises(PaymentMismatch, match="Plus assez de places"):
        factories.pay(late)
    late.refresh_from_db()
    assert late.number is None
    assert remaining_places(product=laser, starts_at=start) == 2


def test_a_waiting_basket_can_pay_for_the_places_it_holds(park, member, products):
    laser = products["laser"]
    factories.slot_schedule(laser, capacity=3)
    start = _start()
    sale = create_sale(
        park=park,
        client=member,
        channel=Channel.ONLINE,
        items=[Item(laser, 3, booking_start=start)],
    )
    assert factories.pay(sale).created
    assert remaining_places(product=laser, starts_at=start) == 0


def test_a_counter_sale_cannot_book_a_closed_or_missing_slot(
    park, member, products, cashier
):
    laser = products["laser"]
    factories.slot_schedule(laser, capacity=3, weekdays="0")
    start = _start()
    while start.weekday() == 0:
        start += dt.timedelta(days=1)
    with pytest.raises(SaleError, match="pas proposé ce jour-là"):
        record_counter_sale(
            park=park,
            client=member,
            items=[Item(laser, 1, booking_start=start)],
            method="cash",
            cashier=cashier,
        )
    with pytest.raises(SaleError, match="Choisissez une date et un créneau"):
        record_counter_sale(
            park=park,
            client=member,
            items=[Item(laser, 1)],
            method="cash",
            cashier=cashier,
        )
    assert not Sale.objects.exists()


def test_the_day_shows_each_slot_with_its_places(park, member, products):
    laser = products["laser"]
    factories.slot_schedule(laser, capacity=4, opens="10:00", closes="13:00")
    start = _start(hour=11)
    factories.paid_online_sale(park, member, [Item(laser, 3, booking_start=start)])
    slots = day_availability(product=laser, day=start.date())
    assert [(s.starts_at.hour, s.remaining) for s in slots] == [
        (10, 4),
        (11, 1),
        (12, 4),
    ]
