"""The accountant's list opens on the current month; clearing the dates shows all."""

import datetime as dt

import pytest
from django.utils import timezone

from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = pytest.mark.django_db


def test_list_opens_on_the_current_month_and_an_empty_period_shows_all(
    as_manager, park, member, products
):
    old = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    new = factories.paid_online_sale(
        park, member, factories.basket(products, ("snack", 1))
    )
    old_invoice = Invoice.objects.get(sale=old)
    # Behind the application's back: an invoice of two months ago.
    Invoice.objects.filter(pk=old_invoice.pk).update(
        issue_date=timezone.localdate() - dt.timedelta(days=62)
    )
    new_number = Invoice.objects.get(sale=new).number

    default = as_manager.get("/backoffice/factures/").content.decode()
    assert new_number in default
    assert old_invoice.number not in default

    everything = as_manager.get("/backoffice/factures/?start=&end=").content.decode()
    assert new_number in everything and old_invoice.number in everything
