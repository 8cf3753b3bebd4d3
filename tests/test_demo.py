"""The demo world reproduces the product note and loads twice without doubling."""

from decimal import Decimal

import pytest

from comptoir.catalog.models import Product
from comptoir.customers.models import Client
from comptoir.demo.world import load_demo
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.selectors import invoices_of_client
from comptoir.sales.models import Sale

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_seeds_invoice_rows_and_is_idempotent():
    load_demo()
    counts = (Client.objects.count(), Sale.objects.count(), Invoice.objects.count())
    load_demo()
    assert (
        Client.objects.count(),
        Sale.objects.count(),
        Invoice.objects.count(),
    ) == counts

    eric = Client.objects.get(email="eric.bay@example.com")
    online = [i for i in invoices_of_client(eric) if i.sale.channel == "online"]
    assert [(i.total_incl, i.total_excl) for i in online] == [
        (Decimal("50.00"), Decimal("43.18")),
        (Decimal("50.00"), Decimal("43.18")),
        (Decimal("150.00"), Decimal("150.00")),
        (Decimal("20.00"), Decimal("20.00")),
    ]
    assert online[1].sale_number == "S-240129-000001"
    assert eric.siren == "324567890"
    assert {g.name for g in eric.groups.all()} == {"Groupe CE privilège", "Club VIP"}
    claude = Client.objects.get(email="claude.neime@example.com")
    assert claude.company_name == ""


def test_demo_has_a_booking_product_with_slots_and_a_group_price():
    load_demo()
    load_demo()
    escape = Product.objects.get(name="Escape game 1h (6 joueurs max.)")
    assert escape.slot_schedule.capacity == 6
    assert escape.closed_days.filter(day__month=12, day__day=25).count() == 2
    assert escape.group_prices.get().price_incl == Decimal("20.00")
