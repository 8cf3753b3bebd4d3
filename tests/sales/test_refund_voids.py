"""A refund voids exactly what it refunded: tickets, booking places, vouchers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from pypdf import PdfReader

from comptoir.catalog.models import Product, ProductKind
from comptoir.members.tickets import ticket_pdf
from comptoir.sales.models import Booking, GiftVoucher, Ticket
from comptoir.sales.places import remaining_places
from comptoir.sales.selectors import (
    bookings_of,
    spendable_vouchers,
    tickets_of,
    usable_tickets_of,
)
from comptoir.sales.services import Item, refund_sale
from tests import factories

pytestmark = pytest.mark.django_db


def _refund(sale, line, quantity, manager):
    return refund_sale(
        sale=sale,
        quantities={line.pk: quantity},
        method="card",
        actor=manager,
        reason="Remboursement",
    )


def _today(park):
    return timezone.localdate(timezone=ZoneInfo(park.time_zone))


def test_refunding_one_of_three_tickets_voids_exactly_one(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 3))
    )
    line = sale.lines.get()
    _refund(sale, line, 1, manager)
    assert Ticket.objects.filter(sale_line=line, voided_at__isnull=False).count() == 1
    assert usable_tickets_of(member, _today(park)).count() == 2
    # Still listed, marked as refunded.
    assert tickets_of(member).count() == 3


def test_a_used_ticket_is_voided_last(park, member, products, manager):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    line = sale.lines.get()
    used = Ticket.objects.filter(sale_line=line).order_by("pk").first()
    used.used_at = timezone.now()
    used.save(update_fields=["used_at"])
    _refund(sale, line, 1, manager)
    used.refresh_from_db()
    assert used.voided_at is None
    assert Ticket.objects.filter(sale_line=line, voided_at__isnull=False).get() != used


def test_a_full_refund_voids_every_ticket_and_the_member_sees_it(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    refund_sale(sale=sale, quantities=None, method="card", actor=manager, reason="x")
    assert usable_tickets_of(member, _today(park)).count() == 0
    http = HttpClient()
    http.force_login(member.user)
    page = http.get(f"/{park.organization.slug}/espace-membre/billets/")
    assert page.status_code == 200
    assert page.content.decode().count("Remboursé — non valable") == 2


def test_refunding_two_of_three_vouchers_leaves_one_spendable(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 3))
    )
    line = sale.lines.get()
    _refund(sale, line, 2, manager)
    voided = GiftVoucher.objects.filter(sale_line=line, voided_at__isnull=False)
    assert voided.count() == 2
    assert all(v.balance == 0 for v in voided)
    spendable = spendable_vouchers(park.organization_id, _today(park))
    assert spendable.count() == 1


def test_an_untouched_voucher_is_voided_before_a_partly_spent_one(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 2))
    )
    line = sale.lines.get()
    spent = GiftVoucher.objects.filter(sale_line=line).order_by("pk").first()
    spent.balance = spent.amount - 40
    spent.save(update_fields=["balance"])
    _refund(sale, line, 1, manager)
    spent.refresh_from_db()
    assert spent.voided_at is None
    assert spent.balance == spent.amount - 40


def _booking_product(park):
    product = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Escape game",
        kind=ProductKind.BOOKING,
        price_incl=Decimal("20.00"),
        vat_rate="20.00",
    )
    factories.slot_schedule(product, capacity=6)
    return product


def _tomorrow_at(park, hour):
    day = _today(park) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(park.time_zone))


def test_a_partly_refunded_booking_frees_exactly_the_refunded_places(
    park, member, manager
):
    product = _booking_product(park)
    start = _tomorrow_at(park, 14)
    sale = factories.paid_online_sale(
        park, member, [Item(product, 4, booking_start=start)]
    )
    assert remaining_places(product=product, starts_at=start) == 2
    line = sale.lines.get()
    _refund(sale, line, 3, manager)
    assert remaining_places(product=product, starts_at=start) == 5
    booking = Booking.objects.get(sale_line=line)
    assert booking.participants == 1
    assert booking.cancelled_at is None
    assert list(bookings_of(member)) == [booking]


def test_a_fully_refunded_booking_is_cancelled_and_frees_every_place(
    park, member, manager
):
    product = _booking_product(park)
    start = _tomorrow_at(park, 11)
    sale = factories.paid_online_sale(
        park, member, [Item(product, 6, booking_start=start)]
    )
    assert remaining_places(product=product, starts_at=start) == 0
    refund_sale(sale=sale, quantities=None, method="card", actor=manager, reason="x")
    assert remaining_places(product=product, starts_at=start) == 6
    assert Booking.objects.get(sale_line__sale=sale).cancelled_at is not None
    assert list(bookings_of(member)) == []
    # The freed places can be sold again.
    factories.paid_online_sale(park, member, [Item(product, 6, booking_start=start)])
    assert remaining_places(product=product, starts_at=start) == 0


def test_refunding_other_lines_voids_nothing_else(park, member, products, manager):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 2))
    )
    snack = sale.lines.get(product=products["snack"])
    _refund(sale, snack, 2, manager)
    assert usable_tickets_of(member, _today(park)).count() == 1


def test_a_refunded_voucher_shows_as_void_in_the_member_space(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    refund_sale(sale=sale, quantities=None, method="card", actor=manager, reason="x")
    http = HttpClient()
    http.force_login(member.user)
    page = http.get(f"/{park.organization.slug}/espace-membre/bons-cadeaux/")
    text = page.content.decode()
    assert "Remboursé — non valable" in text
    assert "Valable</span>" not in text


def test_a_refunded_tickets_pdf_says_it_is_cancelled(park, member, products, manager):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    refund_sale(sale=sale, quantities=None, method="card", actor=manager, reason="x")
    ticket = Ticket.objects.get(sale_line__sale=sale)
    text = PdfReader(io.BytesIO(ticket_pdf(ticket))).pages[0].extract_text()
    assert "ANNULÉ — REMBOURSÉ" in text


def test_the_sale_page_shows_which_tickets_a_refund_voided(
    park, member, products, manager
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    _refund(sale, sale.lines.get(), 1, manager)
    http = HttpClient()
    http.force_login(manager)
    text = http.get(f"/backoffice/ventes/{sale.public_id}/").content.decode()
    voided = Ticket.objects.get(sale_line__sale=sale, voided_at__isnull=False)
    assert text.count("Remboursé — non valable") == 1
    row = text[text.index(voided.code) :].split("</tr>")[0]
    assert "Remboursé — non valable" in row


def test_an_entry_gives_tickets_valid_for_its_validity(park, member, manager):
    entry = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Entrée du jour",
        kind=ProductKind.ENTRY,
        price_incl=Decimal("12.00"),
        vat_rate="20.00",
        voucher_validity_days=1,
    )
    sale = factories.paid_online_sale(park, member, [Item(entry, 2)])
    tickets = Ticket.objects.filter(sale_line__sale=sale)
    assert tickets.count() == 2
    assert {t.valid_until for t in tickets} == {sale.sale_date + dt.timedelta(1)}
    _refund(sale, sale.lines.get(), 1, manager)
    assert usable_tickets_of(member, sale.sale_date).count() == 1
