"""The till keeps what the cashier typed, charges the client's group price,
previews without payment errors, gives change and takes mixed payments."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.catalog.models import GroupPrice
from comptoir.sales.models import Booking, GiftVoucher, Sale, SaleLine
from tests import factories

pytestmark = pytest.mark.django_db

COUNTER = reverse("backoffice:counter")
REFERENCE = "0123456789abcdef0123456789abcdef"
PARIS = ZoneInfo("Europe/Paris")


def basket(products, **extra):
    """2 tickets (30.00) and 1 snack (20.00): 80.00 at public prices."""
    data = {
        "reference": REFERENCE,
        f"qty_{products['ticket'].pk}": "2",
        f"qty_{products['snack'].pk}": "1",
        "action": "pay",
    }
    data.update(extra)
    return data


def typed_quantity(page: str, product) -> str | None:
    match = re.search(rf'<input[^>]*name="qty_{product.pk}"[^>]*>', page)
    assert match, "the quantity field is on the page"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


@pytest.fixture
def group_price(products, group):
    """The ticket costs 26.00 instead of 30.00 for `group`."""
    return GroupPrice.objects.create(
        product=products["ticket"], group=group, price_incl=Decimal("26.00")
    )


def voucher(park, products, client, balance="50.00", valid_days=30):
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("voucher", 1))
    )
    gift = GiftVoucher.objects.get(sale_line__sale=sale)
    gift.balance = Decimal(balance)
    gift.valid_until = timezone.localdate() + dt.timedelta(days=valid_days)
    gift.save()
    return gift


# Group prices


def test_a_group_member_pays_its_group_price_at_the_counter(
    as_cashier, park, products, member, group_price
):
    page = as_cashier.get(COUNTER, {"client": member.pk}).content.decode()
    assert "26,00" in page and "prix de groupe" in page
    as_cashier.post(COUNTER, basket(products, method="card", client=member.pk))
    sale = Sale.objects.get(park=park)
    ticket_line = sale.lines.get(product=products["ticket"])
    assert ticket_line.unit_price_incl == Decimal("26.00")
    assert sale.total_incl == Decimal("72.00")
    assert sale.payments.get().amount == Decimal("72.00")


def test_a_client_outside_the_group_pays_the_public_price(
    as_cashier, park, products, group_price
):
    outsider = factories.client(park, groups=[])
    as_cashier.post(COUNTER, basket(products, method="card", client=outsider.pk))
    assert Sale.objects.get(park=park).total_incl == Decimal("80.00")


def test_a_passing_visitor_pays_the_public_price(
    as_cashier, park, products, group_price
):
    as_cashier.post(COUNTER, basket(products, method="card"))
    assert Sale.objects.get(park=park).total_incl == Decimal("80.00")


# Nothing typed is lost


def test_searching_a_client_keeps_the_quantities_typed(as_cashier, products, member):
    response = as_cashier.post(
        COUNTER, basket(products, action="search", q=member.last_name)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="choose" value="{member.pk}"' in page
    assert typed_quantity(page, products["ticket"]) == "2"
    assert typed_quantity(page, products["snack"]) == "1"
    assert 'class="errorlist' not in page
    assert not Sale.objects.exists()


def test_choosing_a_client_keeps_the_quantities_and_applies_its_prices(
    as_cashier, park, products, member, group_price
):
    response = as_cashier.post(
        COUNTER, basket(products, method="cash", choose=str(member.pk))
    )
    page = response.content.decode()
    assert response.context["client"] == member
    assert typed_quantity(page, products["ticket"]) == "2"
    assert typed_quantity(page, products["snack"]) == "1"
    cash = r'<input type="radio" name="method" value="cash"[^>]*checked'
    assert re.search(cash, page)
    assert not Sale.objects.exists()
    # The redrawn form pays the group price with the same reference.
    as_cashier.post(COUNTER, basket(products, method="card", client=member.pk))
    assert Sale.objects.get().total_incl == Decimal("72.00")


def test_changing_the_client_keeps_the_quantities(as_cashier, products, member):
    response = as_cashier.post(
        COUNTER, basket(products, action="clear_client", client=member.pk)
    )
    assert response.context["client"] is None
    assert typed_quantity(response.content.decode(), products["ticket"]) == "2"


# The preview


def test_the_preview_never_shows_a_payment_error(as_cashier, products):
    response = as_cashier.post(
        COUNTER,
        basket(products, action="preview", method="", cash_received="abc"),
    )
    page = response.content.decode()
    assert response.context["preview_total"] == Decimal("80.00")
    assert "Choisissez le moyen de paiement" not in page
    assert "Saisissez un montant" not in page
    assert 'class="errorlist' not in page
    assert not Sale.objects.exists()


def test_the_preview_still_says_when_the_basket_is_empty(as_cashier, products):
    response = as_cashier.post(COUNTER, {"reference": REFERENCE, "action": "preview"})
    assert "Ajoutez au moins un produit." in response.content.decode()


def test_the_preview_shows_the_change_for_the_cash_received(as_cashier, products):
    response = as_cashier.post(
        COUNTER,
        basket(products, action="preview", method="cash", cash_received="100"),
    )
    assert response.context["preview_change"] == Decimal("20.00")
    assert 'data-testid="counter-change"' in response.content.decode()


# Cash and change


def test_cash_received_gives_the_change_due(as_cashier, park, products):
    response = as_cashier.post(
        COUNTER, basket(products, method="cash", cash_received="100,00"), follow=True
    )
    sale = Sale.objects.get(park=park)
    payment = sale.payments.get()
    assert (payment.method, payment.amount) == ("cash", Decimal("80.00"))
    assert sale.counter_receipt.cash_received == Decimal("100.00")
    assert sale.counter_receipt.change_due == Decimal("20.00")
    assert "Monnaie à rendre : 20,00\xa0€." in response.content.decode()


def test_too_little_cash_is_refused_in_french(as_cashier, products):
    response = as_cashier.post(
        COUNTER, basket(products, method="cash", cash_received="50")
    )
    page = response.content.decode()
    assert "Espèces reçues insuffisantes" in page
    assert typed_quantity(page, products["ticket"]) == "2"
    assert not Sale.objects.exists()


# Mixed payments


def test_card_voucher_and_cash_add_up_to_the_total(as_cashier, park, products, member):
    gift = voucher(park, products, member, balance="50.00")
    as_cashier.post(
        COUNTER,
        basket(
            products,
            method="mixed",
            card_amount="30",
            voucher_amount="20",
            voucher_code=gift.code.lower(),
            cash_received="40",
        ),
    )
    sale = Sale.objects.get(channel="counter")
    paid = sorted((p.method, p.amount) for p in sale.payments.all())
    assert paid == [
        ("card", Decimal("30.00")),
        ("cash", Decimal("30.00")),
        ("gift_voucher", Decimal("20.00")),
    ]
    assert sum(p.amount for p in sale.payments.all()) == sale.total_incl
    assert sale.counter_receipt.change_due == Decimal("10.00")
    gift.refresh_from_db()
    assert gift.balance == Decimal("30.00")
    assert [p.sale for p in gift.payments.all()] == [sale]
    page = as_cashier.get(reverse("backoffice:sale", args=[sale.public_id]))
    assert gift.code in page.content.decode()


def test_payments_that_do_not_cover_the_total_are_refused(
    as_cashier, park, products, member
):
    gift = voucher(park, products, member)
    response = as_cashier.post(
        COUNTER,
        basket(
            products,
            method="mixed",
            card_amount="30",
            voucher_amount="20",
            voucher_code=gift.code,
        ),
    )
    page = response.content.decode()
    assert "ne couvrent pas le total" in page
    assert "il manque 30,00" in page
    assert not Sale.objects.filter(channel="counter").exists()
    gift.refresh_from_db()
    assert gift.balance == Decimal("50.00")


def test_payments_beyond_the_total_are_refused(as_cashier, products):
    response = as_cashier.post(
        COUNTER, basket(products, method="mixed", card_amount="100")
    )
    assert "dépassent le total de la vente" in response.content.decode()
    assert not Sale.objects.exists()


def test_an_unknown_voucher_is_refused(as_cashier, products):
    response = as_cashier.post(
        COUNTER, basket(products, method="gift_voucher", voucher_code="NOPE")
    )
    assert "Bon cadeau inconnu." in response.content.decode()
    assert not Sale.objects.exists()


def test_a_voucher_without_enough_balance_is_refused(
    as_cashier, park, products, member
):
    gift = voucher(park, products, member, balance="10.00")
    response = as_cashier.post(
        COUNTER, basket(products, method="gift_voucher", voucher_code=gift.code)
    )
    assert "Solde du bon cadeau insuffisant" in response.content.decode()
    gift.refresh_from_db()
    assert gift.balance == Decimal("10.00")


def test_an_expired_voucher_is_refused(as_cashier, park, products, member):
    gift = voucher(park, products, member, balance="100.00", valid_days=-1)
    response = as_cashier.post(
        COUNTER, basket(products, method="gift_voucher", voucher_code=gift.code)
    )
    assert "a expiré le" in response.content.decode()
    assert not Sale.objects.filter(channel="counter").exists()


def test_a_voucher_pays_the_whole_sale(as_cashier, park, products, member):
    gift = voucher(park, products, member, balance="100.00")
    as_cashier.post(
        COUNTER, basket(products, method="gift_voucher", voucher_code=gift.code)
    )
    payment = Sale.objects.get(channel="counter").payments.get()
    assert (payment.method, payment.amount) == ("gift_voucher", Decimal("80.00"))
    gift.refresh_from_db()
    assert gift.balance == Decimal("20.00")


def test_a_voucher_method_without_a_code_is_refused(as_cashier, products):
    response = as_cashier.post(COUNTER, basket(products, method="gift_voucher"))
    assert "Saisissez le code du bon cadeau." in response.content.decode()
    assert not Sale.objects.exists()


# Bookings pick a slot, like the shop


def test_a_booking_at_the_counter_asks_for_a_slot(as_cashier, products):
    laser = products["laser"]
    page = as_cashier.get(COUNTER).content.decode()
    assert f'name="slot_day_{laser.pk}"' in page
    assert f'name="slot_time_{laser.pk}"' in page
    response = as_cashier.post(
        COUNTER,
        {"reference": REFERENCE, "method": "card", f"qty_{laser.pk}": "3"},
    )
    assert "Choisissez une date et un créneau pour « Laser game »." in (
        response.content.decode()
    )
    assert not Sale.objects.exists()


def test_the_chosen_slot_becomes_the_booking(as_cashier, products):
    laser = products["laser"]
    day = timezone.localdate() + dt.timedelta(days=5)
    as_cashier.post(
        COUNTER,
        {
            "reference": REFERENCE,
            "method": "card",
            f"qty_{laser.pk}": "3",
            f"slot_day_{laser.pk}": day.isoformat(),
            f"slot_time_{laser.pk}": "15:00",
        },
    )
    expected = dt.datetime.combine(day, dt.time(15, 0), tzinfo=PARIS)
    assert SaleLine.objects.get().booking_start == expected
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.participants) == (expected, 3)


def test_a_past_slot_is_refused_at_the_counter(as_cashier, products):
    laser = products["laser"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = as_cashier.post(
        COUNTER,
        {
            "reference": REFERENCE,
            "method": "card",
            f"qty_{laser.pk}": "1",
            f"slot_day_{laser.pk}": yesterday.isoformat(),
            f"slot_time_{laser.pk}": "15:00",
        },
    )
    assert "Ce créneau est déjà passé" in response.content.decode()
    assert not Sale.objects.exists()
