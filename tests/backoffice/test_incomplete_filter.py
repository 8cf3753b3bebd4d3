"""The "incomplete records" filter finds a record missing any one field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.backoffice.queries import filter_clients
from comptoir.customers.selectors import INVOICE_REQUIRED_FIELDS
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_record_missing_any_one_field_is_listed(organization, park):
    missing_one = {
        field: factories.client(park, **{field: ""})
        for field in INVOICE_REQUIRED_FIELDS
    }
    missing_all = factories.client(park, complete=False)
    complete = factories.client(park)
    found = set(filter_clients(organization.pk, {"incomplete": True}))
    assert set(missing_one.values()) | {missing_all} == found
    assert complete not in found


def test_the_screen_filter_lists_a_record_missing_only_its_city(
    as_manager, organization, park
):
    factories.client(park, last_name="SANSVILLE", city="")
    factories.client(park, last_name="COMPLET")
    page = as_manager.get(reverse("backoffice:clients"), {"incomplete": "on"})
    text = page.content.decode()
    assert "SANSVILLE" in text
    assert "COMPLET" not in text
