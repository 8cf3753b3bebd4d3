"""Signed-in back-office clients and a second organization to stay out of."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client as HttpClient

from tests import factories


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def as_manager(manager) -> HttpClient:
    return signed_in(manager)


@pytest.fixture
def as_cashier(cashier) -> HttpClient:
    return signed_in(cashier)


@pytest.fixture
def incomplete_member(park, group):
    """A member of the online-invoice group without company name or address."""
    return factories.client(
        park, groups=[group], complete=False, first_name="Claude", last_name="NEIME"
    )


@pytest.fixture
def other(db):
    """Another organization with its own park, staff, group, client and sale."""
    org = factories.organization()
    park = factories.park(org)
    group = factories.group(org, name="Autre groupe")
    client = factories.client(park, groups=[group], last_name="AUTRECLIENT")
    products = factories.products(park)
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    return SimpleNamespace(
        organization=org,
        park=park,
        group=group,
        client=client,
        sale=sale,
        invoice=sale.invoices.get(),
        manager=factories.staff(org, role="manager"),
    )
