"""Vos réservations, Vos billets, Vos bons cadeaux: what the member bought."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from comptoir.sales.models import Ticket
from comptoir.sales.services import Item
from tests import factories
from tests.scanning import scanned_codes
from tests.shop.fixtures import members, signed_in, text

pytestmark = pytest.mark.django_db


def test_empty_lists_say_so_nicely(organization, as_member):
    assert "Aucune réservation à venir." in text(
        as_member.get(members(organization, "bookings"))
    )
    assert "Vous n'avez pas encore de billet." in text(
        as_member.get(members(organization, "tickets"))
    )
    assert "Pas encore de bon cadeau." in text(
        as_member.get(members(organization, "vouchers"))
    )


def test_bookings_show_date_and_time_slot(
    organization, park, products, member, as_member
):
    start = dt.datetime.now(ZoneInfo("Europe/Paris")).replace(
        hour=14, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=3)
    factories.paid_online_sale(
        park, member, [Item(products["laser"], 4, booking_start=start)]
    )
    page = text(as_member.get(members(organization, "bookings")))
    assert "Laser game" in page
    assert "14:00 – 15:00" in page
    assert "4 participants" in page


def test_tickets_are_listed_and_downloadable_with_a_qr_code(
    organization, park, products, member, as_member
):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 2)))
    tickets = list(Ticket.objects.filter(client=member))
    page = text(as_member.get(members(organization, "tickets")))
    for ticket in tickets:
        assert ticket.code in page
    response = as_member.get(
        members(organization, "ticket_download", public_id=tickets[0].public_id)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="billet-{tickets[0].code}.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert tickets[0].code in reader.pages[0].extract_text()
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[f].get_object()["/BaseFont"]) for f in fonts}
    assert all("Vera" in name for name in names), names
    # What the entrance's scanner reads off the printed page is the code.
    assert scanned_codes(response.content) == [[tickets[0].code]]


def test_another_members_ticket_is_a_404(organization, park, group, products, member):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    ticket = Ticket.objects.get()
    stranger = factories.client(park, groups=[group], with_account=True)
    url = members(organization, "ticket_download", public_id=ticket.public_id)
    assert signed_in(stranger.user).get(url).status_code == 404


def test_vouchers_show_code_amount_validity_and_balance(
    organization, park, products, member, as_member
):
    factories.paid_online_sale(park, member, factories.basket(products, ("voucher", 1)))
    voucher = member.gift_vouchers.get()
    voucher.balance = Decimal("40.00")
    voucher.save()
    page = text(as_member.get(members(organization, "vouchers")))
    assert voucher.code in page
    assert "150,00\xa0€" in page and "40,00\xa0€" in page
    assert voucher.valid_until.strftime("%d/%m/%Y") in page
    assert "Valable" in page


def test_expired_tickets_are_marked_and_not_counted(
    organization, park, products, member, as_member
):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 2)))
    expired, valid = Ticket.objects.filter(client=member).order_by("pk")
    expired.valid_until = dt.date(2024, 1, 1)
    expired.save()
    page = text(as_member.get(members(organization, "tickets")))
    assert "Expiré" in page and "depuis le 01/01/2024" in page
    home = text(as_member.get(members(organization, "home")))
    assert "1 billet à utiliser" in home
