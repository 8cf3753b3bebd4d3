"""A Stripe stand-in per test, and an organization configured to use it."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.test import Client as HttpClient

from comptoir.payments.models import CheckoutSession, ProviderAccount
from tests.payments.stripe_standin import StripeStandIn
from tests.shop.fixtures import (  # noqa: F401
    add_to_cart,
    as_member,
    other_organization,
    shop,
)


@pytest.fixture
def standin(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.base_url
        yield server


@pytest.fixture
def stripe_account(organization, standin):
    return ProviderAccount.objects.create(
        organization=organization,
        provider="stripe",
        publishable_key=standin.publishable_key,
        secret_key=standin.secret_key,
        webhook_secret=standin.webhook_secret,
    )


def webhook_poster(organization):
    """Post a signed webhook the way Stripe does: no cookie, no CSRF token."""
    http = HttpClient(enforce_csrf_checks=True)
    url = shop(organization, "payment_notification", provider="stripe")

    def post(body: bytes, headers: dict):
        return http.post(
            url,
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=headers["Stripe-Signature"],
        )

    return post


def checkout(http, organization, products, *names) -> tuple[str, CheckoutSession]:
    """Fill the basket and pay: the Checkout Session the member is sent to."""
    for name in names or ("ticket",):
        add_to_cart(http, organization, products[name])
    response = http.post(shop(organization, "checkout"), {"action": "pay"})
    assert response.status_code == 302, response.content
    location = response["Location"]
    session_id = urlparse(location).path.rstrip("/").split("/")[-1]
    return location, CheckoutSession.objects.get(session_id=session_id)
