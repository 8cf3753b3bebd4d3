"""The shop offers the product's own slots, shows the places left and never
books more than a slot holds."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from comptoir.catalog.models import ClosedDay
from comptoir.sales.models import Booking, Sale, SaleStatus
from comptoir.sales.services import Item
from tests import factories
from tests.shop.fixtures import add_to_cart, cart_lines, pay_on_simulator, shop

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _slot(http, organization, line_id, day, time):
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


def _next(weekday: int) -> dt.date:
    """The next date (after tomorrow) falling on `weekday` (Monday=0)."""
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def laser(products):
    product = products["laser"]
    # Wednesdays and Saturdays, 14:00 to 18:00, 90-minute slots, 4 places.
    factories.slot_schedule(
        product, capacity=4, weekdays="25", opens="14:00", closes="18:00", minutes=90
    )
    return product


def test_the_cart_offers_the_products_own_slots_with_places_left(
    organization, laser, park, member, as_member
):
    day = _next(2)
    start = dt.datetime.combine(day, dt.time(15, 30), tzinfo=PARIS)
    factories.paid_online_sale(park, member, [Item(laser, 3, booking_start=start)])
    add_to_cart(as_member, organization, laser)
    line = cart_lines(as_member, organization)[0]
    page = _slot(as_member, organization, line["id"], day, "14:00").content.decode()
    assert "Votre créneau est enregistré." in page
    assert "4 places restantes sur ce créneau" in page
    # The day's choices: 14:00 and 15:30 only (17:00 would end after 18:00).
    assert "14:00 — 4 places" in page
    assert "15:30 — 1 place" in page
    assert ">17:00" not in page and ">10:00" not in page


def test_a_full_slot_is_refused_in_the_cart(
    organization, laser, park, member, as_member
):
    day = _next(5)
    start = dt.datetime.combine(day, dt.time(14), tzinfo=PARIS)
    factories.paid_online_sale(park, member, [Item(laser, 4, booking_start=start)])
    add_to_cart(as_member, organization, laser)
    line = cart_lines(as_member, organization)[0]
    page = _slot(as_member, organization, line["id"], day, "14:00").content.decode()
    assert "Ce créneau est complet" in page
    assert cart_lines(as_member, organization)[0]["start"] is None


def test_more_participants_than_places_left_are_refused(
    organization, laser, park, member, as_member
):
    day = _next(5)
    start = dt.datetime.combine(day, dt.time(14), tzinfo=PARIS)
    factories.paid_online_sale(park, member, [Item(laser, 2, booking_start=start)])
    add_to_cart(as_member, organization, laser, 3)
    line = cart_lines(as_member, organization)[0]
    page = _slot(as_member, organization, line["id"], day, "14:00").content.decode()
    assert "Il ne reste que 2 places sur ce créneau." in page


def test_a_closed_weekday_or_closed_day_is_refused(organization, laser, as_member):
    add_to_cart(as_member, organization, laser)
    line = cart_lines(as_member, organization)[0]
    monday = _next(0)
    page = _slot(as_member, organization, line["id"], monday, "14:00").content.decode()
    assert "n&#x27;est pas ouvert ce jour-là" in page
    saturday = _next(5)
    ClosedDay.objects.create(product=laser, day=saturday, reason="Privatisation")
    page = _slot(
        as_member, organization, line["id"], saturday, "14:00"
    ).content.decode()
    assert "n&#x27;est pas ouvert ce jour-là" in page
    assert cart_lines(as_member, organization)[0]["start"] is None


def test_a_slot_taken_meanwhile_stops_the_checkout_and_keeps_the_cart(
    organization, laser, park, member, as_member
):
    day = _next(2)
    add_to_cart(as_member, organization, laser, 2)
    line = cart_lines(as_member, organization)[0]
    _slot(as_member, organization, line["id"], day, "14:00")
    start = dt.datetime.combine(day, dt.time(14), tzinfo=PARIS)
    factories.paid_online_sale(park, member, [Item(laser, 3, booking_start=start)])
    response = as_member.post(
        shop(organization, "checkout"), {"action": "pay"}, follow=True
    )
    assert "Plus assez de places pour « Laser game »" in response.content.decode()
    assert not Sale.objects.filter(status=SaleStatus.PENDING).exists()
    assert len(cart_lines(as_member, organization)) == 1


def test_a_paid_booking_uses_the_slot_length(organization, laser, as_member):
    day = _next(5)
    add_to_cart(as_member, organization, laser, 2)
    line = cart_lines(as_member, organization)[0]
    _slot(as_member, organization, line["id"], day, "15:30")
    pay_on_simulator(as_member, organization)
    booking = Booking.objects.get()
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=90)


def test_the_product_card_tells_the_slot_length_and_places(
    organization, laser, products
):
    page = HttpClient().get(shop(organization, "home")).content.decode()
    assert "Créneaux de 90 minutes · 4 places par créneau" in page
