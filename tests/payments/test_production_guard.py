"""Production is not the demo: no simulated payments unless a staging site
asks for them, and `check --deploy` fails when payments are unsafe."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.urls import reverse

from comptoir.payments.checks import (
    check_online_sellers_have_a_provider,
    check_payment_simulator,
)
from comptoir.payments.models import ProviderAccount
from comptoir.payments.providers.simulator import SIGNATURE_HEADER, sign
from comptoir.sales.models import Payment, Sale
from tests import factories
from tests.shop.fixtures import add_to_cart, shop, text
from tests.test_deploy_check import PRODUCTION_ENV, ROOT, run_check_deploy

STAGING_SECRET = "s" * 20 + "-staging-simulator-secret-0123456789"


def production_setting(name: str, **env: str) -> object:
    """A setting as `comptoir.settings.prod` computes it from `env`."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps(settings.{name}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**_base_env(), **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _base_env() -> dict[str, str]:
    import os

    return {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }


def test_production_settings_disable_the_simulator_by_default():
    assert production_setting("PAYMENT_SIMULATOR_ENABLED") is False
    # And it would not sign with the secret written in the repository.
    assert production_setting("PAYMENT_SIMULATOR_SECRET") == ""


def test_a_staging_site_can_allow_the_simulator_explicitly():
    assert (
        production_setting(
            "PAYMENT_SIMULATOR_ENABLED", COMPTOIR_ALLOW_PAYMENT_SIMULATOR="1"
        )
        is True
    )


@pytest.mark.parametrize(
    "secret", [None, "", "dev-simulator-secret-change-me", "short"]
)
def test_check_deploy_fails_when_the_simulator_is_allowed_with_a_weak_secret(
    secret,
):
    result = run_check_deploy(
        COMPTOIR_ALLOW_PAYMENT_SIMULATOR="1", PAYMENT_SIMULATOR_SECRET=secret
    )
    assert result.returncode != 0
    assert "comptoir.payments.E001" in result.stdout + result.stderr


def test_check_deploy_passes_a_staging_simulator_with_its_own_secret():
    result = run_check_deploy(
        COMPTOIR_ALLOW_PAYMENT_SIMULATOR="1", PAYMENT_SIMULATOR_SECRET=STAGING_SECRET
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_the_check_fails_for_an_organization_selling_online_without_stripe(
    organization, park, products
):
    [error] = check_online_sellers_have_a_provider()
    assert error.id == "comptoir.payments.E002"
    assert organization.slug in error.msg

    ProviderAccount.objects.create(organization=organization, provider="simulator")
    assert check_online_sellers_have_a_provider()

    ProviderAccount.objects.filter(organization=organization).update(provider="stripe")
    account = ProviderAccount.objects.get()
    account.publishable_key = "pk_live_x"
    account.secret_key = "sk_live_x"
    account.webhook_secret = "whsec_x"
    account.save()
    assert check_online_sellers_have_a_provider() == []


@pytest.mark.django_db
def test_an_organization_without_products_does_not_need_a_provider(organization):
    assert check_online_sellers_have_a_provider() == []


def test_the_simulator_check_is_silent_when_the_simulator_is_off(settings):
    settings.PAYMENT_SIMULATOR_ENABLED = False
    settings.PAYMENT_SIMULATOR_SECRET = ""
    assert check_payment_simulator() == []
    settings.PAYMENT_SIMULATOR_ENABLED = True
    assert check_payment_simulator()[0].id == "comptoir.payments.E001"


@pytest.mark.django_db
def test_without_the_simulator_a_signed_notification_pays_nothing(
    organization, park, member, products, settings
):
    settings.PAYMENT_SIMULATOR_ENABLED = False
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    body = json.dumps(
        {
            "transaction_id": "sim_free",
            "sale": str(sale.public_id),
            "amount": "30.00",
            "currency": "EUR",
            "status": "paid",
        }
    ).encode()

    response = factories_http().post(
        shop(organization, "payment_notification", provider="simulator"),
        data=body,
        content_type="application/json",
        **{"HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"): sign(body)},
    )

    assert response.status_code == 404
    assert Sale.objects.get(pk=sale.pk).status == "pending"
    assert not Payment.objects.exists()


@pytest.mark.django_db
def test_without_the_simulator_nor_stripe_checkout_takes_no_order(
    organization, products, settings
):
    from tests.shop.fixtures import signed_in

    settings.PAYMENT_SIMULATOR_ENABLED = False
    member = factories.client(
        products["ticket"].park,
        with_account=True,
    )
    http = signed_in(member.user)
    add_to_cart(http, organization, products["ticket"])

    page = text(http.get(shop(organization, "checkout")))
    response = http.post(shop(organization, "checkout"), {"action": "pay"}, follow=True)

    assert "Carte bancaire (paiement simulé)" not in page
    assert "pas encore disponible" in text(response)
    assert not Sale.objects.exists()
    token_url = reverse(
        "shop:simulator", kwargs={"org_slug": organization.slug, "token": "x:y:z"}
    )
    assert http.get(token_url).status_code == 404


def factories_http():
    from django.test import Client

    return Client(enforce_csrf_checks=True)
