"""Cashiers spending the same gift voucher at once never overdraw it.

Runs on PostgreSQL only (set DATABASE_URL): worker processes are forked
after the test database exists and open their own connections, so the
voucher's row lock is really contended.
"""

from __future__ import annotations

import multiprocessing
import os
from decimal import Decimal

import pytest
from django.db import connection, connections

from comptoir.sales.models import GiftVoucher, Payment, Sale
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]

PROCESSES = 6
ATTEMPTS = 5  # per process, 30 in all; the voucher pays for 5 of them


def _spend(park_id: int, product_id: int, cashier_id: int, code: str, n: int):
    from comptoir.catalog.models import Product
    from comptoir.organizations.models import Park, User
    from comptoir.sales.services import Item, SaleError, Tender, record_counter_sale

    park = Park.objects.get(pk=park_id)
    product = Product.objects.get(pk=product_id)
    cashier = User.objects.get(pk=cashier_id)
    paid, refusals = 0, []
    # Nothing raises out of a worker (an exception would leave the pool
    # waiting on a dead worker): every outcome is returned and checked.
    for _ in range(n):
        try:
            record_counter_sale(
                park=park,
                client=None,
                items=[Item(product, 1)],
                cashier=cashier,
                tenders=[Tender("gift_voucher", product.price_incl, code)],
            )
            paid += 1
        except SaleError as exc:
            refusals.append(exc.message)
        except Exception as exc:  # noqa: BLE001 — reported to the parent
            refusals.append(f"{type(exc).__name__}: {exc}")
    connection.close()
    return paid, refusals


def test_concurrent_spending_stops_at_the_balance(park, products, member, cashier):
    bought = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    voucher = GiftVoucher.objects.get(sale_line__sale=bought)  # 150.00
    ticket = products["ticket"]  # 30.00: five of them empty the voucher
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(PROCESSES) as pool:
        results = pool.starmap(
            _spend,
            [(park.pk, ticket.pk, cashier.pk, voucher.code, ATTEMPTS)] * PROCESSES,
        )
    paid = sum(p for p, _r in results)
    refusals = [message for _p, r in results for message in r]
    assert paid == 5
    assert len(refusals) == PROCESSES * ATTEMPTS - 5
    assert all("insuffisant" in message for message in refusals), refusals
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("0.00")
    spent = Payment.objects.filter(method="gift_voucher", sale__channel="counter")
    assert sum(p.amount for p in spent) == Decimal("150.00")
    assert Sale.objects.filter(channel="counter").count() == 5
