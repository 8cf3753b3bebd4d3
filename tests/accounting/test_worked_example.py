"""docs/accounting.md's worked example, entry by entry, on the real services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.accounting.services import period_entries
from comptoir.catalog.models import Product, ProductKind
from comptoir.core.clock import business_date
from comptoir.sales.models import PaymentMethod
from comptoir.sales.services import Item
from tests import factories

pytestmark = pytest.mark.django_db
D = Decimal


def rows(entry) -> list[tuple[str, str, Decimal, Decimal]]:
    return [
        (line.account.number, line.aux_number, line.debit, line.credit)
        for line in entry.lines
    ]


def test_the_worked_example_of_the_documentation(park, member, products):
    voucher_20 = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Bon cadeau 20 €",
        kind=ProductKind.GIFT_VOUCHER,
        price_incl=D("20.00"),
        vat_rate="",
    )
    basket = factories.basket(products, ("ticket", 1), ("snack", 1))
    factories.pay(factories.online_sale(park, member, basket), method="card")
    factories.pay(
        factories.online_sale(
            park,
            member,
            factories.basket(products, ("voucher", 1)) + [Item(voucher_20, 1)],
        ),
        method=PaymentMethod.CASH,
    )
    last = factories.pay(
        factories.online_sale(park, member, basket),
        method=PaymentMethod.GIFT_VOUCHER,
    ).sale
    day = business_date(last.paid_at, park.time_zone)
    entries = list(period_entries(park=park, date_from=day, date_to=day))
    # Sales entries of the day come first, then treasury, in order.
    code = "491123456"
    assert [rows(e) for e in entries] == [
        [
            ("41100000", code, D("50.00"), D("0")),
            ("70612000", "", D("0"), D("25.00")),
            ("70721000", "", D("0"), D("18.18")),
            ("44571200", "", D("0"), D("5.00")),
            ("44571100", "", D("0"), D("1.82")),
        ],
        [
            ("41100000", code, D("170.00"), D("0")),
            ("41910000", "", D("0"), D("170.00")),
        ],
        [
            ("41100000", code, D("50.00"), D("0")),
            ("70612000", "", D("0"), D("25.00")),
            ("70721000", "", D("0"), D("18.18")),
            ("44571200", "", D("0"), D("5.00")),
            ("44571100", "", D("0"), D("1.82")),
        ],
        [("51200000", "", D("50.00"), D("0")), ("41100000", code, D("0"), D("50.00"))],
        [
            ("53000000", "", D("170.00"), D("0")),
            ("41100000", code, D("0"), D("170.00")),
        ],
        [("41910000", "", D("50.00"), D("0")), ("41100000", code, D("0"), D("50.00"))],
    ]
