"""Refunds from the back office go through Stripe: the credit note and the
provider's refund never disagree."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.invoicing.models import DocumentKind, Invoice
from comptoir.payments.models import ProviderRefund, RefundStatus
from comptoir.payments.services import sweep_payments
from comptoir.sales.models import Payment, Sale
from tests.payments.conftest import checkout, webhook_poster
from tests.shop.fixtures import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_sale(organization, products, as_member, standin, stripe_account):
    _, session = checkout(as_member, organization, products, "ticket", "snack")
    standin.pay(session.session_id)
    standin.deliver(webhook_poster(organization))
    sale = Sale.objects.get(pk=session.sale_id)
    assert sale.is_paid and Invoice.objects.filter(sale=sale).count() == 1
    return sale


def refund(manager, sale, *, everything=True, lines=None, reference=None):
    data = {
        "reference": reference or uuid.uuid4().hex,
        "method": "online_card",
        "reason": "Annulation",
    }
    if everything:
        data["everything"] = "1"
    for line, quantity in (lines or {}).items():
        data[f"line_{line.pk}"] = quantity
    return signed_in(manager).post(
        reverse("backoffice:sale_refund", args=[sale.public_id]), data, follow=True
    )


def credit_notes(sale):
    return Invoice.objects.filter(sale=sale, kind=DocumentKind.CREDIT_NOTE)


def test_the_credit_note_waits_for_stripes_confirmation(
    organization, paid_sale, manager, standin
):
    page = refund(manager, paid_sale)

    assert "dès sa confirmation" in text(page)
    provider_refund = ProviderRefund.objects.get()
    assert provider_refund.status == RefundStatus.PENDING
    assert provider_refund.amount == Decimal("50.00")
    assert standin.refunds[provider_refund.provider_refund_id]["amount"] == 5000
    assert not credit_notes(paid_sale).exists()
    assert paid_sale.refunded_amount == 0

    standin.settle_refund(provider_refund.provider_refund_id)
    events = list(standin.outbox)
    standin.deliver(webhook_poster(organization))
    standin.outbox.extend(events)  # Stripe delivers them again
    standin.deliver(webhook_poster(organization))

    provider_refund.refresh_from_db()
    assert provider_refund.status == RefundStatus.SUCCEEDED
    [note] = credit_notes(paid_sale)
    assert note.total_incl == Decimal("50.00")
    assert Sale.objects.get(pk=paid_sale.pk).refunded_amount == Decimal("50.00")
    assert Payment.objects.filter(sale=paid_sale, amount__lt=0).count() == 1


def test_the_refund_uses_an_idempotency_key_made_from_the_refund(
    paid_sale, manager, standin
):
    reference = uuid.uuid4().hex
    refund(manager, paid_sale, reference=reference)
    refund(manager, paid_sale, reference=reference)  # the form sent twice

    keys = [k for method, path, k in standin.calls if path == "/v1/refunds"]
    assert keys == [f"comptoir-refund-{reference}"]
    assert len(standin.refunds) == 1


def test_a_partial_refund_credits_only_its_lines_after_confirmation(
    organization, paid_sale, manager, standin
):
    standin.refund_mode = "succeeded"
    line = paid_sale.lines.order_by("-unit_price_incl").last()

    refund(manager, paid_sale, everything=False, lines={line: 1})

    provider_refund = ProviderRefund.objects.get()
    assert provider_refund.status == RefundStatus.SUCCEEDED
    assert provider_refund.amount == line.unit_price_incl
    [note] = credit_notes(paid_sale)
    assert note.total_incl == line.unit_price_incl
    line.refresh_from_db()
    assert line.refunded_quantity == 1


def test_a_refund_stripe_refuses_leaves_the_sale_as_it_was_with_an_alert(
    paid_sale, manager, standin
):
    standin.refund_mode = "error"

    page = refund(manager, paid_sale)

    assert "refusé par le prestataire" in text(page)
    assert ProviderRefund.objects.get().status == RefundStatus.FAILED
    assert not credit_notes(paid_sale).exists()
    assert not paid_sale.lines.filter(refunded_quantity__gt=0).exists()
    alert = Alert.objects.get(sale=paid_sale, kind=AlertKind.REFUND_FAILED)
    assert "disputed" in alert.message


def test_a_refund_that_fails_later_is_reported_by_webhook_and_credits_nothing(
    organization, paid_sale, manager, standin
):
    standin.refund_mode = "failed"
    refund(manager, paid_sale)
    assert ProviderRefund.objects.get().status == RefundStatus.PENDING

    standin.deliver(webhook_poster(organization))

    provider_refund = ProviderRefund.objects.get()
    assert provider_refund.status == RefundStatus.FAILED
    assert "expired_or_canceled_card" in provider_refund.failure
    assert not credit_notes(paid_sale).exists()
    assert Alert.objects.filter(sale=paid_sale, kind=AlertKind.REFUND_FAILED).exists()


def test_stripe_down_is_retried_with_the_same_idempotency_key(
    paid_sale, manager, standin, settings
):
    settings.PAYMENT_REFUND_ATTEMPTS = 3
    standin.refund_mode = "succeeded"
    standin.refunds_down = 2

    refund(manager, paid_sale)

    keys = [k for _, path, k in standin.calls if path == "/v1/refunds"]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert ProviderRefund.objects.get().status == RefundStatus.SUCCEEDED
    assert credit_notes(paid_sale).count() == 1


def test_stripe_down_for_every_attempt_raises_an_alert_and_the_sweep_retries(
    paid_sale, manager, standin, settings
):
    settings.PAYMENT_REFUND_ATTEMPTS = 2
    standin.refund_mode = "succeeded"
    standin.refunds_down = 2

    page = refund(manager, paid_sale)

    assert "ne répond pas" in text(page)
    provider_refund = ProviderRefund.objects.get()
    assert provider_refund.status == RefundStatus.UNREACHABLE
    assert not credit_notes(paid_sale).exists()
    alert = Alert.objects.get(sale=paid_sale, kind=AlertKind.REFUND_FAILED)
    assert alert.status == AlertStatus.OPEN

    from django.utils import timezone

    sweep_payments(now=timezone.now() + timezone.timedelta(minutes=2))

    keys = {k for _, path, k in standin.calls if path == "/v1/refunds"}
    assert keys == {provider_refund.idempotency_key}
    provider_refund.refresh_from_db()
    assert provider_refund.status == RefundStatus.SUCCEEDED
    assert credit_notes(paid_sale).count() == 1
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED


def test_the_sale_page_shows_the_provider_log_and_the_refund(
    paid_sale, manager, standin
):
    refund(manager, paid_sale)

    page = text(
        signed_in(manager).get(reverse("backoffice:sale", args=[paid_sale.public_id]))
    )

    assert "Journal du prestataire de paiement" in page
    assert "checkout.session.completed" in page
    assert "accepté" in page and "doublon" in page
    assert "en attente du prestataire" in page
