"""Whatever the sequence of partial refunds, exactly the refunded units are
void: tickets, vouchers, and the places of a booking slot."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.sales.models import Booking, GiftVoucher, SaleLine, Ticket
from comptoir.sales.places import remaining_places
from comptoir.sales.services import Item, SaleError, refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

CAPACITY = 8
QTY = {"ticket": 4, "voucher": 3, "laser": 5}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    refunds=st.lists(
        st.tuples(st.sampled_from(sorted(QTY)), st.integers(1, 5)), max_size=6
    )
)
def test_partial_refunds_void_exactly_the_refunded_units(
    park, member, products, manager, refunds
):
    laser = products["laser"]
    if not hasattr(laser, "slot_schedule"):
        factories.slot_schedule(laser, capacity=CAPACITY)
    day = timezone.localdate() + dt.timedelta(days=4)
    start = dt.datetime.combine(day, dt.time(15), tzinfo=ZoneInfo(park.time_zone))
    with transaction.atomic():
        sale = factories.paid_online_sale(
            park,
            member,
            [
                Item(products["ticket"], QTY["ticket"]),
                Item(products["voucher"], QTY["voucher"]),
                Item(laser, QTY["laser"], booking_start=start),
            ],
        )
        lines = {ln.product_id: ln for ln in sale.lines.all()}
        for name, qty in refunds:
            line = lines[products[name].pk]
            try:
                refund_sale(
                    sale=sale,
                    quantities={line.pk: qty},
                    method="card",
                    actor=manager,
                    reason="x",
                )
            except SaleError:
                pass  # more than is left: refused, nothing changes
        refunded = dict(
            SaleLine.objects.filter(sale=sale).values_list(
                "product_id", "refunded_quantity"
            )
        )
        ticket_line = lines[products["ticket"].pk]
        voucher_line = lines[products["voucher"].pk]
        laser_line = lines[laser.pk]
        assert (
            Ticket.objects.filter(
                sale_line=ticket_line, voided_at__isnull=False
            ).count()
            == refunded[products["ticket"].pk]
        )
        assert (
            GiftVoucher.objects.filter(
                sale_line=voucher_line, voided_at__isnull=False
            ).count()
            == refunded[products["voucher"].pk]
        )
        booking = Booking.objects.get(sale_line=laser_line)
        assert booking.participants == QTY["laser"] - refunded[laser.pk]
        assert (booking.cancelled_at is not None) == (booking.participants == 0)
        assert remaining_places(product=laser, starts_at=start) == (
            CAPACITY - QTY["laser"] + refunded[laser.pk]
        )
        transaction.set_rollback(True)
