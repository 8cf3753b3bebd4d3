"""The product note's figures, through the real services, for the journal."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from comptoir.catalog.models import Product, ProductKind
from comptoir.core.clock import business_date
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Channel, PaymentMethod
from comptoir.sales.services import Item, create_sale, refund_sale
from tests import factories


@pytest.fixture
def book(park, member, products, manager):
    """A month of a park: the 50 € sale, 150 € and 20 € vouchers bought and
    one spent, a refund, a client without third-party code, a walk-in sale."""
    voucher_20 = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Bon cadeau 20 €",
        kind=ProductKind.GIFT_VOUCHER,
        price_incl=Decimal("20.00"),
        vat_rate="",
    )
    seed = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    vouchers = factories.pay(
        factories.online_sale(
            park,
            member,
            factories.basket(products, ("voucher", 1)) + [Item(voucher_20, 1)],
        ),
        method=PaymentMethod.CASH,
    ).sale
    spent = factories.pay(
        factories.online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        ),
        method=PaymentMethod.GIFT_VOUCHER,
    ).sale
    refunded = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2), ("socks", 1))
    )
    ticket_line = refunded.lines.get(product=products["ticket"])
    refund_sale(
        sale=refunded,
        quantities={ticket_line.pk: 1},
        method="card",
        actor=manager,
        reason="Client absent",
    )
    no_code = factories.client(park, groups=member.groups.all(), accounting_code="")
    other = factories.paid_online_sale(
        park, no_code, factories.basket(products, ("laser", 3))
    )
    walk_in = factories.pay(
        create_sale(
            park=park,
            client=None,
            channel=Channel.COUNTER,
            items=factories.basket(products, ("ticket", 1)),
        ),
        method=PaymentMethod.CASH,
    ).sale
    today = business_date(seed.paid_at, park.time_zone)
    return SimpleNamespace(
        park=park,
        member=member,
        no_code=no_code,
        seed=seed,
        vouchers=vouchers,
        spent=spent,
        refunded=refunded,
        other=other,
        walk_in=walk_in,
        start=today.replace(day=1),
        end=today,
        documents=Invoice.objects.filter(park=park),
    )
