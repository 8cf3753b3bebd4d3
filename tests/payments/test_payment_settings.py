"""The back office's "Paiement en ligne": managers only, secrets encrypted and
masked, the connection tested, every change audited."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from comptoir.core.models import AuditEvent
from comptoir.payments.models import ProviderAccount
from tests.shop.fixtures import signed_in, text

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:payment_settings")


def keys(standin, **changes):
    return {
        "provider": "stripe",
        "publishable_key": standin.publishable_key,
        "secret_key": standin.secret_key,
        "webhook_secret": standin.webhook_secret,
        **changes,
    }


def test_a_manager_configures_stripe_and_the_secrets_are_encrypted_and_masked(
    organization, manager, standin
):
    http = signed_in(manager)

    response = http.post(URL, keys(standin), follow=True)

    assert "Réglages du paiement en ligne enregistrés" in text(response)
    account = ProviderAccount.objects.get(organization=organization)
    assert account.secret_key == standin.secret_key
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret_key, webhook_secret FROM payments_provideraccount"
        )
        stored = cursor.fetchone()
    assert standin.secret_key not in stored[0]
    assert standin.webhook_secret not in stored[1]
    page = text(http.get(URL))
    assert standin.secret_key not in page
    assert standin.webhook_secret not in page
    assert "sk_test_…6789" in page
    event = AuditEvent.objects.get(action="payments.account.updated")
    assert event.actor == manager
    assert set(event.data["changed"]) == {
        "provider",
        "publishable_key",
        "secret_key",
        "webhook_secret",
    }
    assert standin.secret_key not in str(event.data)


def test_an_empty_secret_keeps_the_stored_one(organization, manager, standin):
    http = signed_in(manager)
    http.post(URL, keys(standin))

    http.post(URL, keys(standin, secret_key="", webhook_secret=""))

    account = ProviderAccount.objects.get(organization=organization)
    assert account.secret_key == standin.secret_key
    assert account.webhook_secret == standin.webhook_secret


def test_stripe_without_its_keys_is_refused_with_a_message(organization, manager):
    response = signed_in(manager).post(
        URL, {"provider": "stripe", "publishable_key": "", "secret_key": "oops"}
    )

    assert response.status_code == 200
    page = text(response)
    assert "Saisissez la clé secrète" in page
    assert "Saisissez la clé publiable" in page
    assert not ProviderAccount.objects.exists()


def test_testing_the_connection_asks_stripe(organization, manager, standin):
    http = signed_in(manager)
    http.post(URL, keys(standin))

    page = text(http.post(URL, {"test": "1"}, follow=True))

    assert "Connexion à Stripe réussie (mode test)" in page
    account = ProviderAccount.objects.get()
    assert account.check_ok is True
    assert any(path == "/v1/balance" for _, path, _ in standin.calls)
    assert AuditEvent.objects.filter(action="payments.account.tested").exists()


def test_a_wrong_secret_key_fails_the_connection_test(organization, manager, standin):
    http = signed_in(manager)
    http.post(URL, keys(standin, secret_key="sk_test_wrong"))

    page = text(http.post(URL, {"test": "1"}, follow=True))

    assert "Refusé par le prestataire" in page
    assert ProviderAccount.objects.get().check_ok is False


def test_a_cashier_cannot_open_the_payment_settings(organization, cashier):
    assert signed_in(cashier).get(URL).status_code == 403


def test_the_simulator_is_not_offered_where_the_site_does_not_allow_it(
    organization, manager, settings
):
    settings.PAYMENT_SIMULATOR_ENABLED = False
    http = signed_in(manager)

    page = text(http.get(URL))
    response = http.post(URL, {"provider": "simulator"})

    assert 'value="simulator"' not in page
    assert response.status_code == 200
    assert not ProviderAccount.objects.exists()
