"""Counter payments add up to the total: card, cheque and vouchers first,
cash for the rest with change; anything else is refused in French."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.sales.models import GiftVoucher, Payment, Sale
from comptoir.sales.services import (
    SaleError,
    Tender,
    record_counter_sale,
    settle_counter_payment,
)
from tests import factories
from tests.sale_series import around_sale_number

D = Decimal


def test_cash_covers_what_the_card_leaves_and_gives_change():
    settled = settle_counter_payment(
        total=D("80.00"), tenders=[Tender("card", D("30.00"))], cash_received=D("60")
    )
    assert [(t.method, t.amount) for t in settled.payments] == [
        ("card", D("30.00")),
        ("cash", D("50.00")),
    ]
    assert settled.cash_received == D("60")
    assert settled.change_due == D("10.00")


def test_exact_tenders_need_no_cash():
    settled = settle_counter_payment(
        total=D("80.00"),
        tenders=[Tender("card", D("50.00")), Tender("cheque", D("30.00"))],
        cash_received=None,
    )
    assert sum(t.amount for t in settled.payments) == D("80.00")
    assert settled.change_due == D("0.00")
    assert settled.cash_received is None


@pytest.mark.parametrize(
    ("tenders", "cash", "message"),
    [
        ([Tender("card", D("30.00"))], None, "il manque 50,00"),
        ([Tender("card", D("90.00"))], None, "dépassent le total"),
        ([Tender("card", D("30.00"))], D("20.00"), "Espèces reçues insuffisantes"),
        ([Tender("card", D("80.00"))], D("5.00"), "aucune espèce à encaisser"),
        ([Tender("card", D("0.00"))], D("80.00"), "doit être positif"),
        ([Tender("gift_voucher", D("10.00"))], D("70.00"), "code du bon cadeau"),
        ([Tender("cash", D("80.00"))], None, "Moyen de paiement inconnu"),
        ([Tender("online_card", D("80.00"))], None, "Moyen de paiement inconnu"),
    ],
)
def test_payments_that_do_not_add_up_are_refused(tenders, cash, message):
    with pytest.raises(SaleError) as error:
        settle_counter_payment(total=D("80.00"), tenders=tenders, cash_received=cash)
    assert message in error.value.message


@pytest.mark.django_db
def test_a_retried_mixed_payment_spends_the_voucher_once(
    park, products, member, cashier
):
    bought = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    gift = GiftVoucher.objects.get(sale_line__sale=bought)
    kwargs = dict(
        park=park,
        client=None,
        items=factories.basket(products, ("ticket", 2), ("snack", 1)),
        cashier=cashier,
        tenders=[
            Tender("card", D("30.00")),
            Tender("gift_voucher", D("20.00"), gift.code),
        ],
        cash_received=D("50.00"),
        reference="c" * 32,
    )
    first = record_counter_sale(**kwargs)
    again = record_counter_sale(**kwargs)
    assert first.pk == again.pk
    assert Sale.objects.filter(channel="counter").count() == 1
    gift.refresh_from_db()
    assert gift.balance == D("130.00")
    assert Payment.objects.filter(sale=first).count() == 3
    assert first.counter_receipt.change_due == D("20.00")


@pytest.mark.django_db
def test_a_refused_payment_leaves_no_sale_and_no_spent_voucher(
    park, products, member, cashier
):
    bought = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    gift = GiftVoucher.objects.get(sale_line__sale=bought)
    with pytest.raises(SaleError):
        record_counter_sale(
            park=park,
            client=None,
            items=factories.basket(products, ("ticket", 2), ("snack", 1)),
            cashier=cashier,
            tenders=[Tender("gift_voucher", D("20.00"), gift.code)],
            cash_received=D("10.00"),
        )
    assert not Sale.objects.filter(channel="counter").exists()
    gift.refresh_from_db()
    assert gift.balance == D("150.00")


@pytest.mark.django_db
def test_a_retried_voucher_only_payment_spends_the_voucher_once(
    park, products, member, cashier
):
    bought = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    gift = GiftVoucher.objects.get(sale_line__sale=bought)
    kwargs = dict(
        park=park,
        client=None,
        items=factories.basket(products, ("ticket", 1)),
        cashier=cashier,
        tenders=[Tender("gift_voucher", D("30.00"), gift.code)],
        reference="d" * 32,
    )
    assert record_counter_sale(**kwargs).pk == record_counter_sale(**kwargs).pk
    gift.refresh_from_db()
    assert gift.balance == D("120.00")
    assert Sale.objects.filter(channel="counter").count() == 1
    (payment,) = gift.payments.all()
    # The till's reference, scoped to its organization (counter_reference).
    assert (payment.amount, payment.reference) == (
        D("30.00"),
        f"{park.organization_id}:" + "d" * 32,
    )


@pytest.mark.django_db
def test_a_counter_sale_writes_only_its_row_and_audit_under_the_sale_series(
    park, products, cashier
):
    """The till takes the same sale series of the day as online payments:
    the payments, the tickets and the receipt are written before the number,
    only the sale's row and the audit event that names it after."""

    def sell():
        record_counter_sale(
            park=park,
            client=None,
            items=factories.basket(products, ("ticket", 2), ("snack", 1)),
            cashier=cashier,
            method="card",
        )

    sell()  # the day's first sale creates the series' row
    with CaptureQueriesContext(connection) as ctx:
        sell()

    before, after, _ = around_sale_number(
        [query["sql"] for query in ctx.captured_queries]
    )
    assert {"sales_payment", "sales_ticket", "sales_counterreceipt"} <= before
    assert after == {"sales_sale", "core_auditevent"}
