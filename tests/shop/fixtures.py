"""Fixtures and helpers shared by the shop, member space and browser tests."""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from urllib.parse import urlparse

import pytest
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from comptoir.catalog.models import GroupPrice, Product, ProductKind
from comptoir.storefront.cart import Cart
from tests import factories


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def as_member(member) -> HttpClient:
    return signed_in(member.user)


@pytest.fixture
def private_pack(park, group) -> Product:
    """A product sold only in `group`'s private shop, at 200.00 instead of 250.00."""
    product = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Pack CE 10 entrées",
        kind=ProductKind.TICKET,
        price_incl=Decimal("250.00"),
        vat_rate="20.00",
        public=False,
    )
    GroupPrice.objects.create(
        product=product, group=group, price_incl=Decimal("200.00")
    )
    return product


@pytest.fixture
def group_price(products, group) -> GroupPrice:
    """The ticket costs 26.00 instead of 30.00 in `group`'s private shop."""
    return GroupPrice.objects.create(
        product=products["ticket"], group=group, price_incl=Decimal("26.00")
    )


@pytest.fixture
def other_organization(db):
    """A second tenant with its own park, group, member and product."""
    organization = factories.organization()
    park = factories.park(organization)
    group = factories.group(organization, online_invoices=True)
    member = factories.client(park, groups=[group], with_account=True)
    return organization, park, group, member


@pytest.fixture
def incomplete(park, group):
    """A group member with an account whose company record is not filled in."""
    return factories.client(park, groups=[group], with_account=True, complete=False)


@pytest.fixture
def http(incomplete, organization, products) -> HttpClient:
    """That member, signed in, with a ticket in the basket."""
    http = signed_in(incomplete.user)
    add_to_cart(http, organization, products["ticket"])
    return http


def shop(organization, name: str, **kwargs) -> str:
    return reverse(f"shop:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def members(organization, name: str, **kwargs) -> str:
    return reverse(f"members:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def add_to_cart(http: HttpClient, organization, product, quantity: int = 1):
    """What the product card's form posts (a booking's says so)."""
    data = {"product": product.pk, "quantity": quantity}
    if product.is_booking:
        data["booking"] = "1"
    return http.post(shop(organization, "cart_add"), data)


def cart_lines(http: HttpClient, organization) -> list[dict]:
    """The basket the client's cookies hold, read as the shop reads it."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in http.cookies.items()}
    return Cart(request, organization.slug).lines


def set_cart_lines(http: HttpClient, organization, lines: list[dict]) -> None:
    """Store `lines` as the client's basket, signed as the shop signs it."""
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in http.cookies.items()}
    cart = Cart(request, organization.slug)
    cart._save(lines)
    response = HttpResponse()
    cart.write(response)
    http.cookies.update(response.cookies)


def start_payment(http: HttpClient, organization) -> str:
    """Checkout: returns the simulated provider's page path."""
    response = http.post(shop(organization, "checkout"), {"action": "pay"})
    assert response.status_code == 302, response
    return urlparse(response["Location"]).path


def pay_on_simulator(http: HttpClient, organization, action: str = "pay"):
    """Checkout, then click a button on the simulated payment page."""
    page = start_payment(http, organization)
    return http.post(page, {"action": action})


def text(response) -> str:
    """The page as a reader sees it: entities (&#x27; …) decoded."""
    return unescape(response.content.decode())
