"""Mail that cannot leave never gives a 500: "Inviter" and the password
reset say so, in French."""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from comptoir.core.audit import history
from tests import factories
from tests.shop.fixtures import members, text

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def as_manager(manager) -> HttpClient:
    http = HttpClient()
    http.force_login(manager)
    return http


def _invite(http, client):
    return http.post(
        reverse("backoffice:client_invite", kwargs={"pk": client.pk}), follow=True
    )


@override_settings(EMAIL_BACKEND=SMTP, EMAIL_HOST="")
def test_inviting_without_mail_configured_says_so(as_manager, park):
    client = factories.client(park)
    response = _invite(as_manager, client)
    assert response.status_code == 200
    assert "l'envoi d'emails n'est pas configuré" in text(response)
    assert "Invitation à l'espace membre envoyée" not in text(response)
    assert not history(client).filter(action="customers.client.invited").exists()


def test_inviting_when_the_smtp_server_refuses_says_so(as_manager, park, closed_port):
    client = factories.client(park)
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port
    ):
        response = _invite(as_manager, client)
    assert response.status_code == 200
    assert "le serveur d'emails ne répond pas" in text(response)
    assert not history(client).filter(action="customers.client.invited").exists()


def test_inviting_with_mail_working_still_sends(as_manager, park):
    client = factories.client(park)
    response = _invite(as_manager, client)
    assert "Invitation à l'espace membre envoyée" in text(response)
    assert mail.outbox[0].to == [client.email]


@override_settings(EMAIL_BACKEND=SMTP, EMAIL_HOST="")
def test_password_reset_without_mail_configured_says_so(organization, member):
    response = HttpClient().post(
        members(organization, "password_reset"), {"email": member.email}
    )
    assert response.status_code == 503
    assert "L'envoi d'emails n'est pas encore configuré" in text(response)


def test_password_reset_when_the_smtp_server_refuses_is_no_500(
    organization, member, closed_port
):
    with override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port
    ):
        response = HttpClient().post(
            members(organization, "password_reset"), {"email": member.email}
        )
    # The same answer as for an unknown address: nothing tells an outsider
    # the account exists; the failure is logged for the operator.
    assert response.status_code == 302
    assert response["Location"] == members(organization, "password_reset_done")
