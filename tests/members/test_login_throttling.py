"""Failed member logins are throttled by django-axes, per account and address."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient

from tests import factories
from tests.factories import PASSWORD
from tests.shop.fixtures import members, text

pytestmark = pytest.mark.django_db


def _attempt(http, organization, email, password):
    return http.post(
        members(organization, "login"), {"email": email, "password": password}
    )


def test_too_many_failures_lock_the_account_even_with_the_right_password(
    organization, member
):
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _attempt(http, organization, member.email, "nope").status_code == 200
    locked = _attempt(http, organization, member.email, "nope")
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion ont échoué" in text(locked)

    response = _attempt(http, organization, member.email, PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in http.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == f"member:{organization.slug}:{member.email}"
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_failures_count_per_organization(organization, park, other_organization):
    other, other_park, other_group, _ = other_organization
    factories.client(
        other_park, groups=[other_group], with_account=True, email="a@b.fr"
    )
    factories.client(park, with_account=True, email="a@b.fr")
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(http, organization, "a@b.fr", "nope")
    assert _attempt(http, organization, "a@b.fr", PASSWORD).status_code == 429
    assert _attempt(http, other, "a@b.fr", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(organization, member):
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(http, organization, member.email, "nope")
    assert _attempt(http, organization, member.email, PASSWORD).status_code == 302
    http.post(members(organization, "logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(http, organization, member.email, "nope")
    assert _attempt(http, organization, member.email, PASSWORD).status_code == 302
