"""Password reset by email finds only this organization's members, and its
link works only at this organization's address."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client as HttpClient

from comptoir.customers.services import ensure_member_account
from tests import factories
from tests.shop.fixtures import members

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Trampoline-2026!"


def _request_reset(organization, email):
    http = HttpClient()
    response = http.post(members(organization, "password_reset"), {"email": email})
    assert response["Location"] == members(organization, "password_reset_done")
    return http


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_a_member_receives_a_french_link_and_sets_a_new_password(organization, member):
    http = _request_reset(organization, member.email)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Vous avez demandé à changer le mot de passe" in message.body
    link = _link(message)
    assert link.startswith(f"/{organization.slug}/espace-membre/mot-de-passe/nouveau/")

    form = http.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in form.content.decode()
    response = http.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == members(organization, "password_reset_complete")
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)
    # The link is spent.
    assert "Lien invalide" in HttpClient().get(link, follow=True).content.decode()


def test_unknown_emails_staff_and_other_organizations_get_nothing(
    organization, park, manager, other_organization
):
    _, _, _, outsider = other_organization
    for email in ("nobody@example.com", manager.email, outsider.email):
        _request_reset(organization, email)
    assert mail.outbox == []


def test_an_invited_member_without_password_may_reset_it(organization, park, group):
    client = factories.client(park, groups=[group])
    user = ensure_member_account(client=client)
    assert not user.has_usable_password()
    _request_reset(organization, client.email)
    assert [m.to for m in mail.outbox] == [[client.email]]


def test_the_link_does_not_work_at_another_organizations_address(
    organization, member, other_organization
):
    other, *_ = other_organization
    _request_reset(organization, member.email)
    link = _link(mail.outbox[0]).replace(f"/{organization.slug}/", f"/{other.slug}/")
    page = HttpClient().get(link, follow=True).content.decode()
    assert "Lien invalide" in page


def test_the_member_is_not_logged_in_by_a_reset(organization, member):
    http = _request_reset(organization, member.email)
    form = http.get(_link(mail.outbox[0]), follow=True)
    http.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert SESSION_KEY not in http.session
