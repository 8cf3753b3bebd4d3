"""An activity booking needs a date and a time slot, chosen in the basket."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from comptoir.sales.models import Booking, Sale, SaleLine
from tests.shop.fixtures import add_to_cart, cart_lines, pay_on_simulator, shop

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def _slot(http, organization, line_id, day, time="14:00"):
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


def test_adding_a_booking_asks_for_the_slot(organization, products, as_member):
    response = add_to_cart(as_member, organization, products["laser"])
    assert response["Location"] == shop(organization, "cart")
    page = as_member.get(shop(organization, "cart")).content.decode()
    assert "Choisissez une date et un créneau pour « Laser game »." in page
    assert 'name="slot-' in page


def test_checkout_is_refused_without_a_slot(organization, products, as_member):
    add_to_cart(as_member, organization, products["laser"])
    response = as_member.post(shop(organization, "checkout"), {"action": "pay"})
    assert response["Location"] == shop(organization, "cart")
    assert not Sale.objects.exists()


def test_a_past_slot_is_refused(organization, products, as_member):
    add_to_cart(as_member, organization, products["laser"])
    line = cart_lines(as_member, organization)[0]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = _slot(as_member, organization, line["id"], yesterday).content.decode()
    assert "Ce créneau est déjà passé" in page
    assert cart_lines(as_member, organization)[0]["start"] is None


def test_the_chosen_slot_becomes_the_booking(organization, products, as_member, member):
    add_to_cart(as_member, organization, products["laser"], 3)
    line = cart_lines(as_member, organization)[0]
    day = timezone.localdate() + dt.timedelta(days=10)
    page = _slot(as_member, organization, line["id"], day, "15:00").content.decode()
    assert "Votre créneau est enregistré." in page
    confirmation = as_member.get(
        pay_on_simulator(as_member, organization)["Location"]
    ).content.decode()
    sale_line = SaleLine.objects.get()
    expected = dt.datetime.combine(day, dt.time(15, 0), tzinfo=PARIS)
    assert sale_line.booking_start == expected
    booking = Booking.objects.get()
    assert booking.client == member
    assert (booking.starts_at, booking.participants) == (expected, 3)
    # The confirmation repeats the slot, in the park's time zone and words.
    assert f"{date_format(day, 'l j F Y')} · 15:00" in confirmation
