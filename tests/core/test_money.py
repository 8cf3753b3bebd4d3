from decimal import Decimal

from django.template import engines
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from comptoir.backoffice.templatetags.backoffice import rate
from comptoir.core.money import (
    allocate,
    excl_from_incl,
    format_money,
    format_rate,
    round_money,
)


def test_round_money_rounds_half_up_not_to_even():
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("0.135")) == Decimal("0.14")
    assert round_money(Decimal("-0.125")) == Decimal("-0.13")


def test_excl_from_incl_matches_the_product_notes_figures():
    assert excl_from_incl(Decimal("30.00"), Decimal("20")) == Decimal("25.00")
    assert excl_from_incl(Decimal("20.00"), Decimal("10")) == Decimal("18.18")
    assert excl_from_incl(Decimal("150.00"), None) == Decimal("150.00")


def test_allocate_gives_the_missing_cent_to_the_largest_remainder():
    assert allocate(Decimal("10.00"), [Decimal(1)] * 3) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]


@given(
    total=st.decimals(min_value=0, max_value=100000, places=2),
    weights=st.lists(st.decimals(min_value=0, max_value=1000, places=2), min_size=1),
)
def test_allocate_never_creates_or_loses_a_cent(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)


def _render(library: str, text: str, **context: object) -> str:
    load = f"{{% load {library} %}}" if library else ""
    return engines["django"].from_string(load + text).render(context)


def test_every_front_end_formats_money_and_rates_with_the_one_rule():
    """`money` and `vat_rate` are built into every template: neither front
    end's own library may shadow them with a second version."""
    amount, vat = Decimal("1234.5"), Decimal("5.50")
    for library in ("", "storefront_tags", "backoffice"):
        for language in ("fr", "en"):
            with translation.override(language):
                assert (
                    _render(library, "{{ a|money }}|{{ r|vat_rate }}", a=amount, r=vat)
                    == f"{format_money(amount)}|{format_rate(vat)}"
                )
    with translation.override("fr"):
        assert format_rate(vat) == "5,5\xa0%"
        assert rate(vat) == format_rate(vat)
        assert rate(None) == "hors champ" and format_rate(None) == ""
    with translation.override("en"):
        assert format_rate(Decimal("20.00")) == "20%"
    with translation.override("fr"):
        assert format_money(Decimal("-1234567.5")) == "-1\xa0234\xa0567,50\xa0€"
        assert format_money(None) == format_money("") == ""
    with translation.override("en"):
        assert format_money(Decimal("-1234.5")) == "-€1,234.50"
