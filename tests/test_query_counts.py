"""The pages that list invoices cost the same number of queries whatever the
number of invoices: "Vos factures", the back office's list and the
accountant's export of a month (bench/data.py measures them at a million).

Each test counts the queries of one request with 5 documents issued, then
with 40: a query per row (a related object read in a template, a lazy
field) would show as a difference.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comptoir.invoicing.models import Invoice
from comptoir.sales.models import PaymentMethod
from comptoir.sales.services import record_counter_sale, refund_sale
from tests import factories
from tests.shop.fixtures import members, signed_in

pytestmark = pytest.mark.django_db

FEW, MANY = 5, 40


@pytest.fixture
def issue(park, member, products, cashier):
    """`issue(n)` tops the member's documents up to at least n: online and
    counter sales, mixed with gift vouchers (two documents), some refunded
    (a credit note), like a real history."""

    def top_up(target: int) -> None:
        n = 0
        while Invoice.objects.filter(client=member).count() < target:
            n += 1
            if n % 7 == 3:
                record_counter_sale(
                    park=park,
                    client=member,
                    items=factories.basket(products, ("socks", 2)),
                    method=PaymentMethod.CARD,
                    cashier=cashier,
                )
                continue
            names = [("ticket", 1), ("snack", 1)]
            if n % 5 == 2:
                names.append(("voucher", 1))
            sale = factories.paid_online_sale(
                park, member, factories.basket(products, *names)
            )
            if n % 4 == 1:
                refund_sale(
                    sale=sale,
                    quantities={sale.lines.get(product=products["snack"]).pk: 1},
                    method=PaymentMethod.CARD,
                    actor=cashier,
                    reason="Goûter non servi",
                )

    return top_up


def queries(http, url: str, params: dict | None = None) -> int:
    """Queries of one request, its body read to the end (streamed or not)."""
    http.get(url, params or {})  # warm-up: caches filled once per process
    with CaptureQueriesContext(connection) as ctx:
        response = http.get(url, params or {})
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    assert response.status_code == 200
    assert body
    return len(ctx)


def this_month() -> dict[str, str]:
    today = timezone.localdate()
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return {"start": start.isoformat(), "end": end.isoformat()}


def test_vos_factures_costs_the_same_queries_with_5_or_40_documents(
    organization, member, issue
):
    http = signed_in(member.user)
    url = members(organization, "invoices")
    issue(FEW)
    few = queries(http, url)
    issue(MANY)
    assert queries(http, url) == few
    assert queries(http, url, {"page": 2}) == few


@pytest.mark.parametrize("period", [False, True], ids=["default", "month"])
def test_back_office_list_costs_the_same_queries_with_5_or_40_documents(
    manager, issue, period
):
    http = signed_in(manager)
    url = reverse("backoffice:invoices")
    params = this_month() if period else None
    issue(FEW)
    few = queries(http, url, params)
    issue(MANY)
    assert queries(http, url, params) == few


@pytest.mark.parametrize("export", ["invoices_csv", "invoices_xlsx"])
def test_export_of_a_month_costs_the_same_queries_with_5_or_40_documents(
    manager, issue, export
):
    http = signed_in(manager)
    url = reverse(f"backoffice:{export}")
    issue(FEW)
    few = queries(http, url, this_month())
    issue(MANY)
    assert queries(http, url, this_month()) == few
