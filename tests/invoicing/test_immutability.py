"""An issued document never changes; its snapshot is what was true at issue."""

from decimal import Decimal

import pytest

from comptoir.invoicing.models import ImmutableDocument, Invoice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    return Invoice.objects.get(sale=sale)


def test_saving_an_issued_invoice_raises(invoice):
    invoice.total_incl = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()
    invoice.refresh_from_db()
    assert invoice.total_incl == Decimal("30.00")


def test_deleting_an_issued_invoice_raises(invoice):
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_editing_client_park_and_product_afterwards_changes_nothing_issued(
    invoice, member, park, products
):
    before = Invoice.objects.get(pk=invoice.pk).snapshot
    member.company_name, member.address = "NEWCO", "1 rue Neuve"
    member.save()
    park.company_name = "NOUVEAU NOM SAS"
    park.save()
    products["ticket"].name, products["ticket"].price_incl = "Renamed", Decimal("99")
    products["ticket"].save()
    after = Invoice.objects.get(pk=invoice.pk)
    assert after.snapshot == before
    assert after.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    assert after.snapshot["seller"]["company_name"] != "NOUVEAU NOM SAS"
    assert after.snapshot["lines"][0]["description"] == "Entrée 1h"
