"""An operator issues the invoice of a paid sale by hand."""

from decimal import Decimal

import pytest

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.core.audit import history
from comptoir.invoicing.exceptions import (
    AlreadyInvoiced,
    IncompleteClientRecord,
    NotInvoiceable,
)
from comptoir.invoicing.services import issue_invoices
from comptoir.sales.services import record_counter_sale
from tests import factories

pytestmark = pytest.mark.django_db


def test_issuing_for_an_incomplete_record_is_refused_with_the_missing_fields(
    park, group, products, manager
):
    client = factories.client(park, groups=[group], complete=False)
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    with pytest.raises(IncompleteClientRecord) as exc:
        issue_invoices(sale=sale, issued_by=manager)
    assert exc.value.missing == ["company_name", "address", "postcode", "city"]
    assert "Raison sociale" in exc.value.message


def test_completing_the_record_then_issuing_closes_the_alert(
    park, group, products, manager
):
    client = factories.client(park, groups=[group], complete=False)
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    client.company_name, client.address = "NEIME SARL", "4 place du Marché"
    client.postcode, client.city = "89100", "SENS"
    client.save()

    [invoice] = issue_invoices(sale=sale, issued_by=manager)

    alert = Alert.objects.get(sale=sale)
    assert alert.status == AlertStatus.CLOSED
    assert alert.closed_by == manager
    assert invoice.number in alert.closed_reason
    assert invoice.issued_by == manager
    assert history(invoice).first().actor == manager


def test_operator_can_invoice_a_counter_sale_once(park, member, products, cashier):
    sale = record_counter_sale(
        park=park,
        client=member,
        items=factories.basket(products, ("socks", 2)),
        method="cash",
        cashier=cashier,
    )
    [invoice] = issue_invoices(sale=sale, issued_by=cashier)
    assert invoice.total_incl == Decimal("7.00")
    assert invoice.snapshot["payments"][0]["method"] == "cash"
    with pytest.raises(AlreadyInvoiced):
        issue_invoices(sale=sale, issued_by=cashier)


def test_a_sale_without_client_or_not_paid_cannot_be_invoiced(park, products, cashier):
    sale = record_counter_sale(
        park=park,
        client=None,
        items=factories.basket(products, ("socks", 1)),
        method="cash",
        cashier=cashier,
    )
    with pytest.raises(NotInvoiceable):
        issue_invoices(sale=sale)
    pending = factories.online_sale(
        park, None, factories.basket(products, ("socks", 1))
    )
    with pytest.raises(NotInvoiceable):
        issue_invoices(sale=pending)


def test_retried_counter_submit_with_the_same_reference_makes_one_sale(
    park, products, cashier
):
    kwargs = dict(
        park=park,
        client=None,
        items=factories.basket(products, ("socks", 1)),
        method="cash",
        cashier=cashier,
        reference="form-123",
    )
    assert record_counter_sale(**kwargs).pk == record_counter_sale(**kwargs).pk
    assert park.sales.count() == 1


def test_a_reference_already_used_by_another_sale_is_refused(park, products, cashier):
    from comptoir.sales.models import Channel, Sale, SaleStatus
    from comptoir.sales.services import PaymentMismatch, create_sale, record_payment

    record_counter_sale(
        park=park,
        client=None,
        items=factories.basket(products, ("socks", 1)),
        method="cash",
        cashier=cashier,
        reference="form-9",
    )
    late = create_sale(
        park=park,
        client=None,
        channel=Channel.COUNTER,
        items=factories.basket(products, ("socks", 1)),
    )
    with pytest.raises(PaymentMismatch):
        record_payment(
            sale=late,
            provider="counter",
            # The till stores its reference scoped to the organization.
            reference=f"{park.organization_id}:form-9",
            amount=late.total_incl,
            method="cash",
        )
    late.refresh_from_db()
    assert late.status == SaleStatus.PENDING
    assert Sale.objects.filter(status=SaleStatus.PAID).count() == 1
