"""Password guessing is throttled on both logins, whatever the spelling.

The member side is covered in tests/members/test_login_throttling.py; here
the staff login, and the tricks an attacker would try on either: changing
the case of the email, padding it, or spreading guesses over both logins.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

STAFF_LOGIN = reverse("backoffice:login")
LIMIT = settings.AXES_FAILURE_LIMIT


def spellings(email: str):
    """The same address as an attacker might vary it."""
    variants = [email, email.upper(), email.title(), f"  {email} ", email.swapcase()]
    return (variants[i % len(variants)] for i in range(LIMIT))


def test_guessing_a_staff_password_locks_the_account_in_french(manager):
    http = HttpClient()
    answers = [
        http.post(STAFF_LOGIN, {"email": email, "password": "devine"}).status_code
        for email in spellings(manager.email)
    ]
    assert answers[: LIMIT - 1] == [200] * (LIMIT - 1)
    response = http.post(STAFF_LOGIN, {"email": manager.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Compte verrouillé" in response.content.decode()
    assert SESSION_KEY not in http.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == f"staff:-:{manager.email}"


def test_a_locked_staff_account_does_not_lock_its_colleagues(organization, manager):
    colleague = factories.staff(organization, role="cashier")
    http = HttpClient()
    for _ in range(LIMIT):
        http.post(STAFF_LOGIN, {"email": manager.email, "password": "devine"})
    response = http.post(STAFF_LOGIN, {"email": colleague.email, "password": PASSWORD})
    assert response.status_code == 302


def test_guesses_on_the_member_login_do_not_open_the_staff_one(
    organization, park, manager
):
    """The same email as member and as staff: two accounts, two counters."""
    factories.client(park, with_account=True, email=manager.email)
    members_login = reverse("members:login", kwargs={"org_slug": organization.slug})
    http = HttpClient()
    for _ in range(LIMIT):
        http.post(members_login, {"email": manager.email, "password": "devine"})
    assert (
        http.post(members_login, {"email": manager.email, "password": PASSWORD})
    ).status_code == 429
    response = http.post(STAFF_LOGIN, {"email": manager.email, "password": PASSWORD})
    assert response.status_code == 302


def test_changing_the_case_of_a_member_email_does_not_reset_the_count(
    organization, member
):
    members_login = reverse("members:login", kwargs={"org_slug": organization.slug})
    http = HttpClient()
    for email in spellings(member.email):
        http.post(members_login, {"email": email, "password": "devine"})
    response = http.post(members_login, {"email": member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in http.session
