"""The dashboard's « Encaissé aujourd'hui » is the money of the park's day:
refunds given today deducted, gift-voucher redemptions left out."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from comptoir.core.clock import business_date
from comptoir.sales.models import GiftVoucher, Payment, PaymentMethod
from comptoir.sales.selectors import takings_of
from comptoir.sales.services import Tender, record_counter_sale, refund_sale
from tests import factories
from tests.backoffice.conftest import signed_in

pytestmark = pytest.mark.django_db

PARIS = "Europe/Paris"


def counter_sale(park, products, cashier, method=PaymentMethod.CASH, **basket):
    items = factories.basket(products, *basket.items())
    return record_counter_sale(
        park=park, client=None, items=items, method=method, cashier=cashier
    )


def test_refunds_given_today_are_deducted(organization, park, products, cashier):
    old = counter_sale(park, products, cashier, ticket=2)  # 60.00
    Payment.objects.filter(sale=old).update(
        received_at=timezone.now() - dt.timedelta(days=3)
    )
    counter_sale(park, products, cashier, ticket=1)  # 30.00 today
    line = old.lines.get()
    refund_sale(
        sale=old,
        quantities={line.pk: 1},
        method=PaymentMethod.CASH,
        actor=cashier,
        reason="Annulation",
    )
    today = business_date(timezone.now(), PARIS)
    takings = takings_of(organization.pk, today, PARIS)
    assert (takings.received, takings.refunded, takings.net) == (
        Decimal("30.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )


def test_gift_voucher_payments_bring_no_money_in(
    organization, park, products, cashier, member
):
    bought = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    Payment.objects.filter(sale=bought).update(
        received_at=timezone.now() - dt.timedelta(days=3)
    )
    voucher = GiftVoucher.objects.get(sale_line__sale=bought)
    counter_sale(park, products, cashier, ticket=1)
    record_counter_sale(
        park=park,
        client=None,
        items=factories.basket(products, ("ticket", 1)),
        cashier=cashier,
        tenders=[Tender(PaymentMethod.GIFT_VOUCHER, Decimal("30.00"), voucher.code)],
    )
    today = business_date(timezone.now(), PARIS)
    assert takings_of(organization.pk, today, PARIS).net == Decimal("30.00")


def test_the_day_is_the_parks_not_utcs(organization, park, products, cashier):
    sale = counter_sale(park, products, cashier, ticket=1)
    # 00:30 in Paris on 5 March is still 4 March in UTC.
    paris_half_past_midnight = dt.datetime(2024, 3, 5, 0, 30, tzinfo=ZoneInfo(PARIS))
    Payment.objects.filter(sale=sale).update(received_at=paris_half_past_midnight)
    assert takings_of(organization.pk, dt.date(2024, 3, 5), PARIS).net == Decimal(
        "30.00"
    )
    assert takings_of(organization.pk, dt.date(2024, 3, 4), PARIS).net == 0


def test_another_organizations_money_is_not_counted(organization, park, products):
    other = factories.organization()
    other_park = factories.park(other)
    other_cashier = factories.staff(other, role="cashier")
    counter_sale(other_park, factories.products(other_park), other_cashier, ticket=1)
    today = business_date(timezone.now(), PARIS)
    assert takings_of(organization.pk, today, PARIS).net == 0


def test_the_dashboard_shows_the_net_takings_and_the_refunds(
    organization, park, products, manager, cashier
):
    sale = counter_sale(park, products, cashier, ticket=2)  # 60.00
    refund_sale(
        sale=sale,
        quantities={sale.lines.get().pk: 1},
        method=PaymentMethod.CASH,
        actor=manager,
        reason="Annulation",
    )
    page = signed_in(manager).get("/backoffice/").content.decode()
    stat = page.split('data-testid="takings"')[1].split("</div></div>")[0]
    assert "30,00\xa0€" in stat
    assert "remboursements déduits\xa0: 30,00\xa0€" in stat
    assert "60,00" not in stat
