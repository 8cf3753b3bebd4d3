"""Django's admin (platform admins) cannot rewrite numbering or what was sold.

Counters, sale lines and payments are read-only, like invoices; a park's
invoice series is read-only once the park has issued a document.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.core.models import Counter
from comptoir.invoicing.models import Invoice
from comptoir.organizations.models import User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(client):
    user = User.objects.create_superuser(
        username="root", email="root@example.com", password="x-Secret-123!"
    )
    client.force_login(user)
    return client


@pytest.fixture
def invoiced_sale(park, member, products):
    return factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )


def test_counters_cannot_be_changed_added_or_deleted(platform_admin, invoiced_sale):
    counter = Counter.objects.get(key="doc:invoice")
    change = reverse("admin:core_counter_change", args=[counter.pk])
    response = platform_admin.get(change)
    assert response.status_code == 200
    assert b'name="last_value"' not in response.content
    platform_admin.post(
        change,
        {
            "park": counter.park_id,
            "key": counter.key,
            "last_value": 0,
            "last_hash": "",
            "seal": "",
        },
    )
    counter.refresh_from_db()
    assert counter.last_value == 1
    assert platform_admin.get(reverse("admin:core_counter_add")).status_code == 403
    delete = reverse("admin:core_counter_delete", args=[counter.pk])
    assert platform_admin.post(delete, {"post": "yes"}).status_code == 403
    assert Counter.objects.filter(pk=counter.pk).exists()


def test_sale_lines_and_payments_are_shown_read_only(platform_admin, invoiced_sale):
    response = platform_admin.get(
        reverse("admin:sales_sale_change", args=[invoiced_sale.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "lines-0-quantity" not in html
    assert "lines-0-unit_price_incl" not in html
    assert "payments-0-amount" not in html
    assert "DELETE" not in html


def test_a_parks_series_is_editable_before_its_first_document(platform_admin, park):
    response = platform_admin.get(
        reverse("admin:organizations_park_change", args=[park.pk])
    )
    assert b'name="invoice_series"' in response.content


def test_a_parks_series_is_read_only_once_a_document_exists(
    platform_admin, park, invoiced_sale
):
    assert Invoice.objects.filter(park=park).exists()
    url = reverse("admin:organizations_park_change", args=[park.pk])
    response = platform_admin.get(url)
    assert response.status_code == 200
    assert b'name="invoice_series"' not in response.content
    assert park.invoice_series.encode() in response.content
