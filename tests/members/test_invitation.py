"""The first-login invitation: a one-use link to choose a password."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client as HttpClient

from comptoir.customers.services import invitation_link, invite_member
from tests import factories
from tests.shop.fixtures import members, text

pytestmark = pytest.mark.django_db

PASSWORD = "Trampoline-2026!"


@pytest.fixture
def invited(park, group):
    return factories.client(park, groups=[group], first_name="Claude")


def test_the_invitation_sets_the_password_and_opens_the_member_space(
    organization, invited, manager
):
    link = invite_member(client=invited, actor=manager, base_url="http://testserver")
    (message,) = mail.outbox
    assert link in message.body
    http = HttpClient()
    form = http.get(link, follow=True)
    page = text(form)
    assert "Bienvenue ! Choisissez votre mot de passe" in page
    assert invited.email in page
    response = http.post(
        form.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == members(organization, "home")
    assert "Bonjour Claude," in text(response)
    invited.refresh_from_db()
    assert int(http.session[SESSION_KEY]) == invited.user_id
    assert invited.user.check_password(PASSWORD)
    assert "Lien invalide" in text(HttpClient().get(link, follow=True))


def test_a_weak_password_is_refused_in_french(organization, invited):
    http = HttpClient()
    form = http.get(invitation_link(client=invited, base_url=""), follow=True)
    response = http.post(
        form.redirect_chain[-1][0], {"new_password1": "1234", "new_password2": "1234"}
    )
    page = text(response)
    assert "Ce mot de passe est trop court." in page
    invited.refresh_from_db()
    assert not invited.user.has_usable_password()


def test_a_forged_link_is_invalid(organization, invited):
    invitation_link(client=invited, base_url="")
    url = members(organization, "password_set", uidb64="MQ", token="forged-token")
    assert "Lien invalide" in text(HttpClient().get(url))
