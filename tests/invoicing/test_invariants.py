"""check_invariants finds a lost invoice, a doubled one, a payment astray."""

import pytest

from comptoir.alerts.models import Alert
from comptoir.invoicing.invariants import check_invariants
from comptoir.sales.models import Sale
from tests import factories

pytestmark = pytest.mark.django_db


def test_invariants_hold_after_normal_sales(park, member, group, products):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    incomplete = factories.client(park, groups=[group], complete=False)
    factories.paid_online_sale(
        park, incomplete, factories.basket(products, ("snack", 1))
    )
    assert check_invariants(require_rendered=False) == []


def test_a_paid_eligible_sale_with_neither_invoice_nor_alert_is_reported(
    park, group, products
):
    incomplete = factories.client(park, groups=[group], complete=False)
    sale = factories.paid_online_sale(
        park, incomplete, factories.basket(products, ("snack", 1))
    )
    Alert.objects.filter(sale=sale).delete()
    problems = check_invariants(require_rendered=False)
    assert problems == [f"sale {sale.number}: neither invoice nor alert"]


def test_a_payment_on_a_sale_left_unpaid_is_reported(park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    Sale.objects.filter(pk=sale.pk).update(status="pending")
    assert "1 payments on unpaid sales" in check_invariants(require_rendered=False)


def test_unrendered_documents_are_reported_when_required(park, member, products):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    # No on_commit here: the render task never ran.
    assert check_invariants(require_rendered=True) == ["1 documents without their PDF"]
