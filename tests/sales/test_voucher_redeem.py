"""A gift voucher pays only while it is valid: never once refunded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.sales.models import GiftVoucher
from comptoir.sales.services import refund_sale
from comptoir.sales.vouchers import VoucherRefused, redeem_voucher
from tests import factories

pytestmark = pytest.mark.django_db


def _vouchers(park, member, products, n=1):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", n))
    )
    return sale, list(GiftVoucher.objects.filter(sale_line__sale=sale).order_by("pk"))


def test_a_voucher_pays_down_its_balance(park, member, products):
    sale, [voucher] = _vouchers(park, member, products)
    redeem_voucher(
        organization_id=park.organization_id,
        code=voucher.code.lower(),
        amount=Decimal("40.00"),
        on=sale.sale_date,
    )
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("110.00")
    with pytest.raises(VoucherRefused, match="insuffisant : 110,00"):
        redeem_voucher(
            organization_id=park.organization_id,
            code=voucher.code,
            amount=Decimal("110.01"),
            on=sale.sale_date,
        )


def test_a_refunded_voucher_can_no_longer_be_spent(park, member, products, manager):
    sale, [kept, refunded] = _vouchers(park, member, products, n=2)
    refund_sale(
        sale=sale,
        quantities={sale.lines.get().pk: 1},
        method="card",
        actor=manager,
        reason="x",
    )
    voided = GiftVoucher.objects.get(sale_line__sale=sale, voided_at__isnull=False)
    with pytest.raises(VoucherRefused, match="remboursé"):
        redeem_voucher(
            organization_id=park.organization_id,
            code=voided.code,
            amount=Decimal("1.00"),
            on=sale.sale_date,
        )
    other = kept if voided == refunded else refunded
    redeem_voucher(
        organization_id=park.organization_id,
        code=other.code,
        amount=Decimal("150.00"),
        on=sale.sale_date,
    )


def test_an_expired_or_foreign_voucher_is_refused(park, member, products):
    other = factories.organization()
    sale, [voucher] = _vouchers(park, member, products)
    with pytest.raises(VoucherRefused, match="expiré"):
        redeem_voucher(
            organization_id=park.organization_id,
            code=voucher.code,
            amount=Decimal("1.00"),
            on=voucher.valid_until + dt.timedelta(days=1),
        )
    with pytest.raises(VoucherRefused, match="inconnu"):
        redeem_voucher(
            organization_id=other.pk,
            code=voucher.code,
            amount=Decimal("1.00"),
            on=sale.sale_date,
        )
