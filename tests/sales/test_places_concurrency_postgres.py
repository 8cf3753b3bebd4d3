"""Many processes booking the last places of one slot at once: no overselling.

Runs on PostgreSQL only (set DATABASE_URL); CI always runs it. Worker
processes are forked after the test database exists and open their own
connections, so the product row locks are real and contended.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.utils import timezone

from comptoir.catalog.models import Product, ProductKind
from comptoir.sales.models import SaleLine, SaleStatus
from comptoir.sales.places import remaining_places
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]

PROCESSES = 8
ATTEMPTS = 4
CAPACITY = 10


def _book(mode: str, product_id: int, client_id: int, start: str, n: int) -> int:
    """In a child process: try `n` bookings of 2 places; count the successes."""
    from comptoir.customers.models import Client
    from comptoir.sales.models import Channel
    from comptoir.sales.services import (
        Item,
        SlotFull,
        create_sale,
        record_counter_sale,
    )

    product = Product.objects.select_related("park").get(pk=product_id)
    client = Client.objects.get(pk=client_id)
    items = [Item(product, 2, booking_start=dt.datetime.fromisoformat(start))]
    booked = 0
    for _ in range(n):
        try:
            if mode == "online":
                create_sale(
                    park=product.park,
                    client=client,
                    channel=Channel.ONLINE,
                    items=items,
                )
            else:
                record_counter_sale(
                    park=product.park,
                    client=client,
                    items=items,
                    method="cash",
                    cashier=None,
                )
        except SlotFull:
            continue
        booked += 1
    connection.close()
    return booked


def _run(mode, product, client, start) -> int:
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(PROCESSES) as pool:
        results = pool.starmap(
            _book,
            [
                (mode, product.pk, client.pk, start.isoformat(), ATTEMPTS)
                for _ in range(PROCESSES)
            ],
        )
    return sum(results)


@pytest.fixture
def slot(park):
    product = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Laser game",
        kind=ProductKind.BOOKING,
        price_incl=Decimal("25.00"),
        vat_rate="20.00",
    )
    factories.slot_schedule(product, capacity=CAPACITY)
    day = timezone.localdate(timezone=ZoneInfo(park.time_zone)) + dt.timedelta(2)
    start = dt.datetime.combine(day, dt.time(15), tzinfo=ZoneInfo(park.time_zone))
    return product, start


def _places_sold(product, start, status) -> int:
    lines = SaleLine.objects.filter(
        product=product, booking_start=start, sale__status=status
    )
    return sum(line.quantity for line in lines)


def test_concurrent_online_checkouts_hold_exactly_the_slot_capacity(slot, member):
    product, start = slot
    # 8 processes × 4 baskets of 2 places = 64 asked for 10 places.
    assert _run("online", product, member, start) == CAPACITY // 2
    assert _places_sold(product, start, SaleStatus.PENDING) == CAPACITY
    assert remaining_places(product=product, starts_at=start) == 0


def test_concurrent_counter_sales_never_sell_more_than_the_capacity(slot, member):
    product, start = slot
    assert _run("counter", product, member, start) == CAPACITY // 2
    assert _places_sold(product, start, SaleStatus.PAID) == CAPACITY
    assert remaining_places(product=product, starts_at=start) == 0
