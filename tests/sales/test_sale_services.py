"""Creating and paying a sale: the sales domain's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.sales.models import Channel, Payment, Sale, SaleStatus
from comptoir.sales.services import (
    Item,
    PaymentMismatch,
    SaleError,
    SaleNotPayable,
    abandon_sale,
    create_sale,
    record_payment,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _pay(sale, reference="ref-1", amount=None, received_at=None):
    return record_payment(
        sale=sale,
        provider="test",
        reference=reference,
        amount=sale.total_incl if amount is None else amount,
        method="online_card",
        received_at=received_at,
    )


def test_a_basket_keeps_its_lines_prices_and_total(park, products):
    sale = create_sale(
        park=park,
        client=None,
        channel=Channel.COUNTER,
        items=[
            Item(products["ticket"], 2),
            Item(products["snack"], 1, unit_price_incl=Decimal("18.00")),
        ],
    )
    assert sale.status == SaleStatus.PENDING and sale.number is None
    lines = {ln.description: ln for ln in sale.lines.all()}
    assert lines["Entrée 1h"].total_incl == Decimal("60.00")
    assert lines["Formule goûter"].unit_price_incl == Decimal("18.00")
    assert sale.total_incl == Decimal("78.00")


@pytest.mark.parametrize(("quantity", "message"), [(0, "quantité"), (-1, "quantité")])
def test_a_basket_refuses_a_non_positive_quantity(park, products, quantity, message):
    with pytest.raises(SaleError, match=message):
        create_sale(
            park=park,
            client=None,
            channel=Channel.ONLINE,
            items=[Item(products["ticket"], quantity)],
        )
    assert not Sale.objects.exists()


def test_a_basket_refuses_another_organizations_product_and_emptiness(park):
    foreign = factories.products(factories.park(factories.organization()))
    with pytest.raises(SaleError, match="Produit inconnu"):
        create_sale(
            park=park,
            client=None,
            channel=Channel.ONLINE,
            items=[Item(foreign["ticket"], 1)],
        )
    with pytest.raises(SaleError, match="vide"):
        create_sale(park=park, client=None, channel=Channel.ONLINE, items=[])
    assert not Sale.objects.exists()


def test_payment_numbers_the_sale_on_the_parks_business_date(park, products):
    # 23:30 UTC on 31 March is already 1 April in Paris (UTC+2 in summer).
    received = dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.UTC)
    sales = [
        create_sale(
            park=park,
            client=None,
            channel=Channel.COUNTER,
            items=[Item(products["ticket"], 1)],
        )
        for _ in range(2)
    ]
    outcomes = [
        _pay(sale, reference=f"ref-{n}", received_at=received)
        for n, sale in enumerate(sales)
    ]
    assert [o.sale.number for o in outcomes] == [
        "S-240401-000001",
        "S-240401-000002",
    ]
    assert outcomes[0].sale.sale_date == dt.date(2024, 4, 1)
    assert outcomes[0].sale.paid_at == received


def test_a_retried_confirmation_changes_nothing(park, products):
    sale = create_sale(
        park=park,
        client=None,
        channel=Channel.ONLINE,
        items=[Item(products["ticket"], 1)],
    )
    first = _pay(sale)
    again = _pay(sale)
    assert first.created and not again.created
    assert again.payment.pk == first.payment.pk
    assert Payment.objects.filter(sale=sale).count() == 1


def test_a_wrong_amount_or_a_second_payment_is_refused(park, products):
    sale = create_sale(
        park=park,
        client=None,
        channel=Channel.ONLINE,
        items=[Item(products["ticket"], 1)],
    )
    with pytest.raises(PaymentMismatch, match="différent"):
        _pay(sale, amount=sale.total_incl - Decimal("0.01"))
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PENDING
    _pay(sale)
    with pytest.raises(PaymentMismatch, match="déjà payée"):
        _pay(sale, reference="ref-2")
    assert Payment.objects.filter(sale=sale).count() == 1


def test_an_abandoned_basket_cannot_be_paid_and_a_paid_one_stays_paid(park, products):
    pending, paid = (
        create_sale(
            park=park,
            client=None,
            channel=Channel.ONLINE,
            items=[Item(products["ticket"], 1)],
        )
        for _ in range(2)
    )
    assert abandon_sale(sale=pending) is True
    with pytest.raises(SaleNotPayable):
        _pay(pending)
    _pay(paid, reference="ref-paid")
    assert abandon_sale(sale=paid) is False
    paid.refresh_from_db()
    assert paid.status == SaleStatus.PAID
