"""The till's duplicate-submit reference belongs to one organization."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from comptoir.sales.models import Sale
from tests import factories

pytestmark = pytest.mark.django_db

COUNTER = reverse("backoffice:counter")
REFERENCE = "0123456789abcdef0123456789abcdef"


def _basket(products) -> dict:
    return {
        "reference": REFERENCE,
        "method": "cash",
        f"qty_{products['ticket'].pk}": "1",
        "action": "pay",
    }


def _till(organization) -> tuple[HttpClient, dict]:
    park = factories.park(organization)
    products = factories.products(park)
    http = HttpClient()
    http.force_login(factories.staff(organization, role="cashier"))
    return http, products


def test_the_same_reference_in_two_organizations_records_two_sales(organization):
    http, products = _till(organization)
    other_http, other_products = _till(factories.organization())
    first = http.post(COUNTER, _basket(products))
    second = other_http.post(COUNTER, _basket(other_products))
    assert Sale.objects.count() == 2
    mine, theirs = Sale.objects.order_by("pk")
    assert first["Location"] == reverse(
        "backoffice:sale", kwargs={"public_id": mine.public_id}
    )
    assert second["Location"] == reverse(
        "backoffice:sale", kwargs={"public_id": theirs.public_id}
    )
    assert mine.organization_id != theirs.organization_id


def test_a_double_submit_in_one_organization_still_records_one_sale(organization):
    http, products = _till(organization)
    http.post(COUNTER, _basket(products))
    http.post(COUNTER, _basket(products))
    assert Sale.objects.count() == 1
