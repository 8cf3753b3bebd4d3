from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.totals import LineInput, compute_totals

RATES = [Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), None]


def test_seed_basket_30_at_20_and_20_at_10_is_50_incl_43_18_excl():
    totals = compute_totals(
        [
            LineInput(Decimal(1), Decimal("30.00"), Decimal("20")),
            LineInput(Decimal(1), Decimal("20.00"), Decimal("10")),
        ]
    )
    assert totals.incl == Decimal("50.00")
    assert totals.excl == Decimal("43.18")
    assert [b.base for b in totals.breakdown] == [Decimal("25.00"), Decimal("18.18")]
    assert totals.vat == Decimal("6.82")


def test_gift_voucher_is_150_both_ways_and_outside_the_scope():
    totals = compute_totals([LineInput(Decimal(1), Decimal("150.00"), None)])
    assert totals.incl == totals.excl == Decimal("150.00")
    assert totals.breakdown[0].vat_category == "O"


line_inputs = st.builds(
    LineInput,
    quantity=st.integers(min_value=1, max_value=50).map(Decimal),
    unit_price_incl=st.decimals(min_value=0, max_value=2000, places=2),
    vat_rate=st.sampled_from(RATES),
)


@given(st.lists(line_inputs, min_size=1, max_size=30))
def test_random_baskets_add_up_exactly_per_rate_and_in_total(lines):
    totals = compute_totals(lines)
    paid = sum(line.quantity * line.unit_price_incl for line in lines)
    assert totals.incl == paid
    assert sum(t.total_incl for t in totals.lines) == paid
    for rate in totals.breakdown:
        members = [
            t
            for line, t in zip(lines, totals.lines)
            if (line.vat_rate is None and rate.vat_rate is None)
            or (line.vat_rate is not None and rate.vat_rate == line.vat_rate)
        ]
        assert sum(t.total_excl for t in members) == rate.base
        assert sum(t.total_vat for t in members) == rate.vat
        assert rate.base + rate.vat == rate.total_incl
        if rate.vat_rate is not None:
            expected = (rate.total_incl / (1 + rate.vat_rate / 100)).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            )
            assert rate.base == expected
    assert totals.excl + totals.vat == totals.incl
