"""Opening and closing alerts: one open alert per sale and kind, closed once."""

from __future__ import annotations

import pytest

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.alerts.services import (
    close_alert,
    close_alerts,
    close_invoice_alerts,
    raise_alert,
    raise_invoice_alert,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(park, products):
    client = factories.client(park, last_name="DUPONT", first_name="Ana")
    return factories.paid_online_sale(
        park, client, factories.basket(products, ("snack", 1))
    )


def test_an_invoice_alert_names_the_sale_client_and_missing_fields(sale):
    alert = raise_invoice_alert(sale=sale, missing=["city", "postcode"])
    assert alert.kind == AlertKind.INVOICE_NOT_GENERATED
    assert alert.status == AlertStatus.OPEN
    assert (alert.organization_id, alert.park_id, alert.client_id) == (
        sale.organization_id,
        sale.park_id,
        sale.client_id,
    )
    assert sale.number in alert.message and "Ana DUPONT" in alert.message
    assert "Champs manquants : Ville, Code postal." in alert.message


def test_raising_again_refreshes_the_one_open_alert(sale):
    first = raise_invoice_alert(sale=sale, missing=["city"])
    again = raise_invoice_alert(sale=sale, missing=[], error="PDF illisible")
    assert again.pk == first.pk
    assert Alert.objects.filter(sale=sale).count() == 1
    first.refresh_from_db()
    assert first.missing_fields == []
    assert first.message.endswith("générée : PDF illisible")


def test_closing_invoice_alerts_says_who_and_why_once(sale, manager):
    raise_invoice_alert(sale=sale, missing=["city"])
    assert close_invoice_alerts(sale=sale, closed_by=manager, reason="Facturée") == 1
    alert = Alert.objects.get(sale=sale)
    assert alert.status == AlertStatus.CLOSED
    assert (alert.closed_by, alert.closed_reason) == (manager, "Facturée")
    assert alert.closed_at is not None
    assert close_invoice_alerts(sale=sale, reason="encore") == 0
    # A new failure after closing opens a new alert; the closed one stays.
    reopened = raise_invoice_alert(sale=sale, missing=["city"])
    assert reopened.pk != alert.pk
    assert Alert.objects.filter(sale=sale).count() == 2


def test_an_alert_of_another_kind_is_kept_apart(sale, manager):
    invoice = raise_invoice_alert(sale=sale, missing=["city"])
    other = raise_alert(sale=sale, kind=AlertKind.EINVOICE_REJECTED, message="a")
    assert other.pk != invoice.pk
    assert raise_alert(sale=sale, kind=AlertKind.EINVOICE_REJECTED, message="b").pk == (
        other.pk
    )
    other.refresh_from_db()
    assert other.message == "b"
    closed = close_alerts(
        sale=sale, kind=AlertKind.EINVOICE_REJECTED, closed_by=manager, reason="ok"
    )
    assert closed == 1
    invoice.refresh_from_db()
    assert invoice.status == AlertStatus.OPEN


def test_an_alert_without_sale_belongs_to_the_organization(organization):
    first = raise_alert(
        sale=None,
        kind=AlertKind.PAYMENT_TO_REFUND,
        message="Paiement sans vente",
        organization_id=organization.pk,
    )
    second = raise_alert(
        sale=None,
        kind=AlertKind.PAYMENT_TO_REFUND,
        message="Paiement sans vente",
        organization_id=organization.pk,
    )
    assert first.pk != second.pk
    assert first.organization_id == organization.pk and first.sale_id is None


def test_closing_one_alert_twice_reports_the_second_time(sale, manager):
    alert = raise_invoice_alert(sale=sale, missing=["city"])
    assert close_alert(alert=alert, closed_by=manager, reason="vu") is True
    assert close_alert(alert=alert, closed_by=manager, reason="revu") is False
    alert.refresh_from_db()
    assert alert.closed_reason == "vu"
