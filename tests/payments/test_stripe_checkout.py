"""Paying through Stripe (its local stand-in): the sale is paid only when the
signed webhook says so, once, whatever the order and number of webhooks."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from comptoir.alerts.models import Alert, AlertKind
from comptoir.invoicing.models import Invoice
from comptoir.payments.models import (
    CheckoutSession,
    EventOutcome,
    ProviderEvent,
    SessionStatus,
)
from comptoir.payments.services import sweep_payments
from comptoir.sales.models import Payment, Sale, SaleStatus
from tests.payments.conftest import checkout, webhook_poster
from tests.payments.stripe_standin import signature_header
from tests.shop.fixtures import shop, text

pytestmark = pytest.mark.django_db


def test_checkout_opens_a_checkout_session_with_the_sale_in_cents(
    organization, products, as_member, member, standin, stripe_account
):
    location, session = checkout(as_member, organization, products, "ticket", "snack")
    sale = session.sale
    remote = standin.sessions[session.session_id]

    assert location == remote["url"]
    assert location.startswith(standin.base_url + "/pay/")
    assert sale.status == SaleStatus.PENDING
    assert remote["mode"] == "payment"
    assert remote["currency"] == "eur"
    assert remote["amount_total"] == int(sale.total_incl * 100) == 5000
    amounts = sorted(
        int(item["price_data"]["unit_amount"]) for item in remote["_line_items"]
    )
    assert amounts == sorted(
        int(line.unit_price_incl * 100) for line in sale.lines.all()
    )
    assert remote["client_reference_id"] == str(sale.public_id)
    assert remote["customer_email"] == member.email
    assert remote["expires_at"] == int(session.expires_at.timestamp())
    assert session.expires_at > timezone.now() + dt.timedelta(minutes=30)
    assert "{CHECKOUT_SESSION_ID}" in remote["success_url"]


def test_coming_back_from_stripe_does_not_pay_the_sale(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    success_url = standin.pay(session.session_id)

    page = as_member.get(success_url)

    assert "Paiement en cours de confirmation" in text(page)
    assert Sale.objects.get(pk=session.sale_id).status == SaleStatus.PENDING
    assert not Payment.objects.exists()


def test_the_signed_webhook_pays_the_sale_and_issues_the_invoice_once(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    success_url = standin.pay(session.session_id)
    events = list(standin.outbox)

    statuses = standin.deliver(webhook_poster(organization))
    # Stripe retries: every event again, twice.
    for _ in range(2):
        standin.outbox.extend(events)
        statuses += standin.deliver(webhook_poster(organization))

    assert [r.status_code for r in statuses] == [200] * 6
    sale = Sale.objects.get(pk=session.sale_id)
    assert sale.status == SaleStatus.PAID
    payment = Payment.objects.get()
    assert (payment.provider, payment.amount) == ("stripe", Decimal("30.00"))
    assert payment.reference.startswith("pi_")
    assert Invoice.objects.filter(sale=sale).count() == 1
    outcomes = list(
        ProviderEvent.objects.filter(sale=sale)
        .exclude(event_type="session.created")
        .values_list("event_type", "outcome")
    )
    assert outcomes[:2] == [
        ("checkout.session.completed", EventOutcome.ACCEPTED),
        # The same PaymentIntent: recognised, nothing more.
        ("payment_intent.succeeded", EventOutcome.DUPLICATE),
    ]
    assert {o for _, o in outcomes[2:]} == {EventOutcome.DUPLICATE}
    assert "Merci" in text(as_member.get(success_url))


def test_a_webhook_before_the_browser_comes_back_pays_the_sale(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    success_url = standin.pay(session.session_id)
    standin.deliver(webhook_poster(organization))

    page = as_member.get(success_url)

    assert Sale.objects.get(pk=session.sale_id).status == SaleStatus.PAID
    assert "votre commande est confirmée" in text(page)


def test_out_of_order_webhooks_give_one_payment_and_one_invoice(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    standin.pay(session.session_id)
    completed, succeeded = standin.take()
    standin.outbox.extend([succeeded, completed])

    standin.deliver(webhook_poster(organization))

    sale = Sale.objects.get(pk=session.sale_id)
    assert sale.status == SaleStatus.PAID
    assert Payment.objects.count() == 1
    assert Invoice.objects.filter(sale=sale).count() == 1


@pytest.mark.parametrize(
    "spoil",
    ["no header", "other secret", "tampered body", "too old"],
)
def test_a_webhook_with_a_wrong_signature_is_a_400_and_changes_nothing(
    organization, products, as_member, standin, stripe_account, spoil
):
    _, session = checkout(as_member, organization, products)
    standin.pay(session.session_id)
    _, body = standin.take()[0]
    post = webhook_poster(organization)
    headers = standin.headers_for(body)
    if spoil == "no header":
        headers["Stripe-Signature"] = ""
    elif spoil == "other secret":
        headers["Stripe-Signature"] = signature_header(body, "whsec_attacker")
    elif spoil == "tampered body":
        body = body.replace(b'"amount_total": 3000', b'"amount_total": 1')
        assert b'"amount_total": 1' in body
    else:
        headers = standin.headers_for(body, timestamp=int(time.time()) - 3600)

    response = post(body, headers)

    assert response.status_code == 400
    assert Sale.objects.get(pk=session.sale_id).status == SaleStatus.PENDING
    assert not Payment.objects.exists()


def test_a_signed_webhook_with_another_amount_is_flagged_not_paid(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    standin.pay(session.session_id)
    standin.take()
    forged = dict(standin.sessions[session.session_id])
    forged["amount_total"] = 100
    forged.pop("_line_items")
    standin.event("checkout.session.completed", forged)

    [response] = standin.deliver(webhook_poster(organization))

    assert response.status_code == 200
    sale = Sale.objects.get(pk=session.sale_id)
    assert sale.status == SaleStatus.PENDING
    assert not Payment.objects.exists()
    event = ProviderEvent.objects.get(sale=sale, outcome=EventOutcome.AMOUNT_MISMATCH)
    assert event.amount == Decimal("1.00")
    assert Alert.objects.get(sale=sale).kind == AlertKind.PAYMENT_TO_REFUND


def test_an_expired_session_releases_the_pending_sale(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    standin.expire(session.session_id)

    standin.deliver(webhook_poster(organization))

    assert Sale.objects.get(pk=session.sale_id).status == SaleStatus.ABANDONED
    session.refresh_from_db()
    assert session.status == SessionStatus.EXPIRED
    assert ProviderEvent.objects.filter(
        sale=session.sale, event_type="checkout.session.expired", outcome="accepted"
    ).exists()


def test_when_the_webhook_never_comes_the_sweep_asks_stripe(
    organization, products, as_member, standin, stripe_account, settings
):
    settings.PAYMENT_SWEEP_AFTER_MINUTES = 10
    _, session = checkout(as_member, organization, products)
    success_url = standin.pay(session.session_id)
    standin.take()  # lost webhooks

    early = sweep_payments(now=timezone.now() + dt.timedelta(minutes=5))
    assert early.sessions_checked == 0
    assert "Paiement en cours de confirmation" in text(as_member.get(success_url))

    report = sweep_payments(now=timezone.now() + dt.timedelta(minutes=11))

    assert (report.sessions_checked, report.paid) == (1, 1)
    sale = Sale.objects.get(pk=session.sale_id)
    assert sale.status == SaleStatus.PAID
    assert Invoice.objects.filter(sale=sale).count() == 1
    # The lost webhook arriving late changes nothing.
    standin.event("checkout.session.completed", _public_session(standin, session))
    standin.deliver(webhook_poster(organization))
    assert Payment.objects.count() == 1
    assert Invoice.objects.filter(sale=sale).count() == 1


def test_a_session_whose_stripe_account_was_removed_is_reported_not_a_crash(
    organization, products, as_member, standin, stripe_account, settings
):
    settings.PAYMENT_SWEEP_AFTER_MINUTES = 10
    _, session = checkout(as_member, organization, products)
    stripe_account.delete()

    report = sweep_payments(now=timezone.now() + dt.timedelta(minutes=11))

    assert report.paid == 0
    assert any(session.session_id in error for error in report.errors)
    assert Sale.objects.get(pk=session.sale_id).status == SaleStatus.PENDING


def test_the_sweep_expires_an_unpaid_session_past_its_expiry(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)

    sweep_payments(now=session.expires_at + dt.timedelta(minutes=1))

    assert standin.sessions[session.session_id]["status"] == "expired"
    assert Sale.objects.get(pk=session.sale_id).status == SaleStatus.ABANDONED


def test_a_new_checkout_expires_the_previous_session_and_a_late_payment_is_flagged(
    organization, products, as_member, standin, stripe_account
):
    _, first = checkout(as_member, organization, products)
    _, second = checkout(as_member, organization, products)

    assert standin.sessions[first.session_id]["status"] == "expired"
    assert Sale.objects.get(pk=first.sale_id).status == SaleStatus.ABANDONED
    standin.take()
    # Stripe confirms a payment for the superseded basket anyway.
    late = dict(_public_session(standin, first), status="complete")
    late.update(payment_status="paid", payment_intent="pi_late_payment")
    standin.event("checkout.session.completed", late)
    standin.pay(second.session_id)

    standin.deliver(webhook_poster(organization))

    assert list(Sale.objects.filter(status=SaleStatus.PAID)) == [second.sale]
    assert Sale.objects.get(pk=first.sale_id).status == SaleStatus.ABANDONED
    assert Invoice.objects.count() == 1
    flagged = ProviderEvent.objects.get(outcome=EventOutcome.FLAGGED_FOR_REFUND)
    assert (flagged.sale_id, flagged.reference) == (first.sale_id, "pi_late_payment")
    assert flagged.amount == Decimal("30.00")
    alert = Alert.objects.get(sale=first.sale)
    assert alert.kind == AlertKind.PAYMENT_TO_REFUND
    assert "pi_late_payment" in alert.message


def test_a_payment_for_an_unknown_sale_is_logged_for_the_operator(
    organization, standin, stripe_account
):
    standin.event(
        "payment_intent.succeeded",
        {
            "id": "pi_stranger",
            "object": "payment_intent",
            "amount_received": 4200,
            "currency": "eur",
            "metadata": {"sale": "2b1e1c1e-0000-4000-8000-000000000000"},
        },
    )

    [response] = standin.deliver(webhook_poster(organization))

    assert response.status_code == 200
    event = ProviderEvent.objects.get(outcome=EventOutcome.UNKNOWN_SALE)
    assert (event.organization, event.amount) == (organization, Decimal("42.00"))
    assert not Payment.objects.exists()
    alert = Alert.objects.get(organization=organization)
    assert (alert.kind, alert.sale) == (AlertKind.PAYMENT_TO_REFUND, None)
    assert "pi_stranger" in alert.message


def test_another_organizations_webhook_secret_is_refused(
    organization, products, as_member, standin, stripe_account, other_organization
):
    other, *_ = other_organization
    _, session = checkout(as_member, organization, products)
    standin.pay(session.session_id)

    # Posted at the other organization's address: its secret is not set.
    responses = standin.deliver(webhook_poster(other))

    assert {r.status_code for r in responses} == {400}
    assert not Payment.objects.exists()


def test_a_malformed_amount_in_a_signed_webhook_is_a_400(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    forged = _public_session(standin, session)
    forged.update(status="complete", payment_status="paid", payment_intent="pi_x")
    post = webhook_poster(organization)
    for amount in ("sNaN", "Infinity", 10**40, 12.5, None):
        body = json.dumps(
            {
                "id": f"evt_{amount}",
                "object": "event",
                "type": "checkout.session.completed",
                "data": {"object": dict(forged, amount_total=amount)},
            }
        ).encode()
        assert post(body, standin.headers_for(body)).status_code == 400
    assert not Payment.objects.exists()


def test_the_confirmation_page_is_the_members_own(
    organization, products, as_member, standin, stripe_account, other_organization
):
    _, session = checkout(as_member, organization, products)
    url = shop(organization, "confirmation", sale_id=session.sale.public_id)
    _, _, _, stranger = other_organization
    from tests.shop.fixtures import signed_in

    assert signed_in(stranger.user).get(url).status_code == 404
    assert CheckoutSession.objects.count() == 1


def _public_session(standin, session) -> dict:
    return {
        k: v
        for k, v in standin.sessions[session.session_id].items()
        if not k.startswith("_")
    }


def test_the_checkout_page_lets_the_pay_button_redirect_to_stripe(
    organization, products, as_member, standin, stripe_account
):
    from tests.shop.fixtures import add_to_cart

    add_to_cart(as_member, organization, products["ticket"])

    csp = as_member.get(shop(organization, "checkout"))["Content-Security-Policy"]

    form_action = next(d for d in csp.split(";") if "form-action" in d)
    assert "https://checkout.stripe.com" in form_action
    assert standin.base_url in form_action
    assert "default-src 'self'" in csp


def test_checking_out_again_while_stripe_holds_a_payment_creates_no_second_sale(
    organization, products, as_member, standin, stripe_account
):
    _, first = checkout(as_member, organization, products)
    standin.pay(first.session_id)  # paid at Stripe, webhook not here yet

    response = as_member.post(
        shop(organization, "checkout"), {"action": "pay"}, follow=True
    )

    assert "en cours de confirmation" in text(response)
    assert Sale.objects.count() == 1
    assert Sale.objects.get().status == SaleStatus.PENDING
    standin.deliver(webhook_poster(organization))
    assert Sale.objects.get().status == SaleStatus.PAID


def test_the_alerts_page_lists_money_for_no_known_sale_and_a_manager_closes_it(
    organization, standin, stripe_account, manager
):
    from django.urls import reverse

    from tests.shop.fixtures import signed_in

    standin.event(
        "payment_intent.succeeded",
        {
            "id": "pi_orphan",
            "object": "payment_intent",
            "amount_received": 1000,
            "currency": "eur",
            "metadata": {},
        },
    )
    standin.deliver(webhook_poster(organization))
    http = signed_in(manager)
    alert = Alert.objects.get(organization=organization)

    page = text(http.get(reverse("backoffice:alerts")))
    assert "aucune vente connue" in page and "pi_orphan" in page
    assert "pi_orphan" in text(http.get(reverse("backoffice:dashboard")))
    http.post(reverse("backoffice:alert_close", args=[alert.pk]), {"reason": "Fait"})

    alert.refresh_from_db()
    assert (alert.status, alert.closed_reason) == ("closed", "Fait")
    assert "pi_orphan" in text(http.get(reverse("backoffice:alerts") + "?etat=fermees"))


def test_an_expired_session_of_no_known_sale_raises_no_alert(
    organization, standin, stripe_account
):
    standin.event(
        "checkout.session.expired",
        {"id": "cs_test_foreign", "object": "checkout.session", "metadata": {}},
    )

    [response] = standin.deliver(webhook_poster(organization))

    assert response.status_code == 200
    assert ProviderEvent.objects.get().outcome == EventOutcome.RECEIVED
    assert not Alert.objects.exists()
