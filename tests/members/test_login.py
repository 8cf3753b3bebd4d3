"""Members log in by email and password, within their own organization."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient

from tests import factories
from tests.factories import PASSWORD
from tests.shop.fixtures import members, text

pytestmark = pytest.mark.django_db


def _login(http, organization, email, password=PASSWORD, **extra):
    return http.post(
        members(organization, "login"),
        {"email": email, "password": password, **extra},
    )


def test_login_by_email_opens_the_member_space(organization, member):
    http = HttpClient()
    response = _login(http, organization, member.email.upper())
    assert response.status_code == 302
    assert response["Location"] == members(organization, "home")
    assert int(http.session[SESSION_KEY]) == member.user.pk
    page = http.get(response["Location"]).content.decode()
    assert f"Bonjour {member.first_name}," in page


def test_wrong_password_is_refused_in_french(organization, member):
    http = HttpClient()
    response = _login(http, organization, member.email, "wrong-password")
    assert response.status_code == 200
    assert "Adresse email ou mot de passe incorrect." in text(response)
    assert SESSION_KEY not in http.session


def test_login_goes_back_where_the_member_was_going(organization, member):
    target = members(organization, "invoices")
    response = _login(HttpClient(), organization, member.email, next=target)
    assert response["Location"] == target


def test_login_never_redirects_off_site_or_to_another_organization(
    organization, member, other_organization
):
    other, *_ = other_organization
    for target in ("https://evil.example/", f"/{other.slug}/", "//evil.example/"):
        response = _login(HttpClient(), organization, member.email, next=target)
        assert response["Location"] == members(organization, "home")


def test_the_same_email_in_another_organization_is_another_account(
    organization, park, group, other_organization
):
    other, other_park, other_group, _ = other_organization
    here = factories.client(park, groups=[group], with_account=True, email="x@ex.com")
    factories.client(
        other_park, groups=[other_group], with_account=True, email="x@ex.com"
    )
    here.user.set_password("only-here-Passw0rd")
    here.user.save()
    assert (
        _login(HttpClient(), organization, "x@ex.com", "only-here-Passw0rd").status_code
        == 302
    )
    # The other organization's account still has the factory password only.
    assert (
        _login(HttpClient(), other, "x@ex.com", "only-here-Passw0rd").status_code == 200
    )
    assert _login(HttpClient(), other, "x@ex.com").status_code == 302


def test_a_member_of_another_organization_cannot_log_in_here(
    organization, park, other_organization
):
    _, _, _, outsider = other_organization
    response = _login(HttpClient(), organization, outsider.email)
    assert response.status_code == 200
    assert "Adresse email ou mot de passe incorrect." in text(response)


def test_staff_are_not_members(organization, park, manager):
    response = _login(HttpClient(), organization, manager.email)
    assert response.status_code == 200
    assert "Adresse email ou mot de passe incorrect." in text(response)


def test_logout_needs_a_post_and_ends_the_session(organization, member, as_member):
    assert as_member.get(members(organization, "logout")).status_code == 405
    response = as_member.post(members(organization, "logout"))
    assert response["Location"] == f"/{organization.slug}/"
    assert SESSION_KEY not in as_member.session
    assert as_member.get(members(organization, "home")).status_code == 302


def test_member_pages_send_visitors_to_the_login(organization, park):
    for name in ("home", "profile", "bookings", "tickets", "vouchers"):
        response = HttpClient().get(members(organization, name))
        assert response.status_code == 302
        assert response["Location"].startswith(members(organization, "login"))


def test_passwords_are_hashed_with_argon2_outside_tests():
    from comptoir.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
