"""Numbers: continuous per series and park, taken inside the issuing transaction."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_invoices
from comptoir.sales.models import Channel
from comptoir.sales.services import create_sale, record_payment
from tests import factories

pytestmark = pytest.mark.django_db


def _counter_sale(park, client, products):
    sale = create_sale(
        park=park,
        client=client,
        channel=Channel.COUNTER,
        items=factories.basket(products, ("ticket", 1)),
    )
    return factories.pay(sale).sale


def test_invoice_numbers_follow_the_seed_format_and_are_consecutive(
    park, member, products
):
    numbers = [
        issue_invoices(sale=_counter_sale(park, member, products))[0].number
        for _ in range(3)
    ]
    today = timezone.localdate().strftime("%Y%m%d")
    assert numbers == [f"FA-{park.invoice_series}-{today}-{n:06d}" for n in (1, 2, 3)]


def test_rolled_back_issue_leaves_no_gap(park, member, products):
    first = _counter_sale(park, member, products)
    second = _counter_sale(park, member, products)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_invoices(sale=first)
        raise RuntimeError("crash after the number was taken")
    [invoice] = issue_invoices(sale=second)
    assert invoice.sequence == 1
    assert not Invoice.objects.filter(sale=first).exists()


def test_each_park_has_its_own_series(organization, member, products):
    other = factories.park(organization)
    other_products = factories.products(other)
    a = issue_invoices(sale=_counter_sale(products["ticket"].park, member, products))[0]
    b = issue_invoices(sale=_counter_sale(other, member, other_products))[0]
    assert a.sequence == b.sequence == 1
    assert a.number != b.number


def test_sale_numbers_are_per_park_day_in_the_parks_time_zone(park, member, products):
    late = dt.datetime(2024, 2, 5, 23, 30, tzinfo=dt.UTC)  # 6 Feb in Paris
    numbers = []
    for reference in ("a", "b"):
        sale = factories.online_sale(
            park, member, factories.basket(products, ("ticket", 1))
        )
        outcome = record_payment(
            sale=sale,
            provider="p",
            reference=reference,
            amount=sale.total_incl,
            method="online_card",
            received_at=late,
        )
        numbers.append(outcome.sale.number)
    assert numbers == ["S-240206-000001", "S-240206-000002"]
    assert re.fullmatch(r"S-\d{6}-\d{6}", numbers[0])


def test_credit_notes_have_their_own_continuous_series(park, member, products, manager):
    from comptoir.invoicing.services import issue_credit_note

    invoices = [
        issue_invoices(sale=_counter_sale(park, member, products))[0] for _ in range(2)
    ]
    notes = [
        issue_credit_note(invoice=i, reason="Erreur", issued_by=manager)
        for i in invoices
    ]
    assert [n.sequence for n in notes] == [1, 2]
    assert all(n.number.startswith(f"AV-{park.invoice_series}-") for n in notes)
