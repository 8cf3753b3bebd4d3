"""`{% icon %}` draws exactly what `storefront/_icon.html` draws, once per
process for each name and class (the shop's page shows it dozens of times)."""

from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import override_settings

from comptoir.catalog.models import ProductKind
from comptoir.storefront.templatetags.storefront_tags import _cached_icon, icon


def test_the_tag_draws_the_icon_template_for_every_product_kind():
    for kind in ProductKind:
        for css_class in ("", "icon-lg"):
            expected = render_to_string(
                "storefront/_icon.html", {"name": kind.value, "class": css_class}
            )
            assert "<path" in expected or "<rect" in expected, kind
            drawn = Template("{% load storefront_tags %}{% icon name cls %}").render(
                Context({"name": kind.value, "cls": css_class})
            )
            assert drawn == expected


def test_the_class_reaches_the_svg():
    assert icon("cart", "icon-xl").startswith('<svg class="icon icon-xl"')
    assert icon("cart").startswith('<svg class="icon"')


def test_an_icon_is_rendered_once_in_production_and_every_time_in_development():
    _cached_icon.cache_clear()
    first = icon("ticket")
    assert icon("ticket") is first
    assert _cached_icon.cache_info().hits == 1
    with override_settings(DEBUG=True):
        icon("ticket")
    assert _cached_icon.cache_info().hits == 1
