""" "Is this voucher usable": one rule for the till, the member space and
the queries, each driven through every state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.sales.models import GiftVoucher
from comptoir.sales.selectors import spendable_vouchers, vouchers_with_state
from comptoir.sales.vouchers import (
    VoucherRefused,
    VoucherState,
    redeem_voucher,
    usable_vouchers_q,
    voucher_state,
)
from tests import factories
from tests.shop.fixtures import as_member, members  # noqa: F401, F811

pytestmark = pytest.mark.django_db


@pytest.fixture
def vouchers(park, member, products):
    """Four vouchers of one paid sale, one in each state on the sale's date."""
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 4))
    )
    usable, voided, used, expired = GiftVoucher.objects.filter(
        sale_line__sale=sale
    ).order_by("pk")
    voided.voided_at = timezone.now()
    voided.save()
    used.balance = Decimal("0.00")
    used.save()
    expired.valid_until = sale.sale_date - dt.timedelta(days=1)
    expired.save()
    return sale.sale_date, {
        VoucherState.USABLE: usable,
        VoucherState.VOIDED: voided,
        VoucherState.USED: used,
        VoucherState.EXPIRED: expired,
    }


def test_each_voucher_has_the_state_its_fields_say(vouchers):
    today, by_state = vouchers
    for state, voucher in by_state.items():
        assert voucher_state(voucher, on=today) == state


def test_the_queryset_form_keeps_exactly_the_usable_ones(vouchers, organization):
    today, by_state = vouchers
    usable = by_state[VoucherState.USABLE]
    assert list(GiftVoucher.objects.filter(usable_vouchers_q(on=today))) == [usable]
    assert list(spendable_vouchers(organization.pk, today)) == [usable]
    # The last valid day still counts; the day after does not.
    assert voucher_state(usable, on=usable.valid_until) == VoucherState.USABLE
    after = usable.valid_until + dt.timedelta(days=1)
    assert voucher_state(usable, on=after) == VoucherState.EXPIRED
    assert not spendable_vouchers(organization.pk, after).exists()


def test_the_till_refuses_every_voucher_but_the_usable_one(vouchers, organization):
    today, by_state = vouchers
    reasons = {
        VoucherState.VOIDED: "remboursé",
        VoucherState.USED: "insuffisant",
        VoucherState.EXPIRED: "expiré",
    }
    for state, reason in reasons.items():
        with pytest.raises(VoucherRefused, match=reason):
            redeem_voucher(
                organization_id=organization.pk,
                code=by_state[state].code,
                amount=Decimal("1.00"),
                on=today,
            )
    redeem_voucher(
        organization_id=organization.pk,
        code=by_state[VoucherState.USABLE].code,
        amount=Decimal("1.00"),
        on=today,
    )


def test_the_member_space_shows_each_state_and_counts_the_usable(
    vouchers,
    member,
    organization,
    as_member,  # noqa: F811
):
    today, by_state = vouchers
    states = {v.pk: v.state for v in vouchers_with_state(member, today)}
    assert states == {v.pk: s for s, v in by_state.items()}
    page = as_member.get(members(organization, "vouchers"))
    shown = {v.pk: v.state for v in page.context["vouchers"]}
    assert shown == states
    text = page.content.decode()
    for label in ("Valable", "Remboursé — non valable", "Utilisé", "Expiré"):
        assert label in text
    home = as_member.get(members(organization, "home"))
    assert home.context["vouchers_count"] == 1
