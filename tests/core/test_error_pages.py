"""404, 403 and 500 in the site's look, in French and in English, with
DEBUG=False (the test settings), and the favicon every page links to."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

SITE_LOOK = [
    'href="/static/storefront/storefront.css"',
    'href="/static/core/favicon.svg"',
]


def get(path: str, language: str, client: Client | None = None, **kwargs):
    client = client or Client(raise_request_exception=False)
    return client.get(path, headers={"accept-language": language}, **kwargs)


@pytest.mark.parametrize(
    "language, heading",
    [("fr", "Page introuvable"), ("en", "Page not found")],
)
def test_an_unknown_address_gets_the_sites_404_page(settings, language, heading):
    assert settings.DEBUG is False
    response = get("/cette-organisation-n-existe-pas/", language)
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html
    assert f'<html lang="{language}">' in html
    for link in SITE_LOOK:
        assert link in html


@pytest.mark.parametrize(
    "language, heading", [("fr", "Accès refusé"), ("en", "Access denied")]
)
def test_a_refused_request_gets_the_sites_403_page(language, heading):
    response = get("/test-refuse/", language)
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize(
    "language, heading",
    [("fr", "Une erreur est survenue"), ("en", "Something went wrong")],
)
def test_a_crash_gets_the_sites_500_page_without_details(language, heading):
    response = get("/test-boom/", language)
    html = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in html
    assert "RuntimeError" not in html and "boom" not in html
    for link in SITE_LOOK:
        assert link in html


def test_a_form_posted_without_its_token_says_it_expired_and_nothing_was_saved():
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/backoffice/connexion/",
        {"email": "a@b.c", "password": "x"},
        headers={"accept-language": "fr"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire expiré" in html
    assert "rien n'a été enregistré" in html


def test_the_favicon_is_served_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/core/favicon.ico"
    icon = finders.find("core/favicon.ico")
    with open(icon, "rb") as file:
        assert file.read(4) == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.parametrize(
    "path", ["/try/", "/backoffice/connexion/", "/try/espace-membre/connexion/"]
)
def test_every_front_end_links_the_favicon(client, path):
    from comptoir.demo.world import load_demo

    load_demo()
    response = client.get(path)
    assert 'rel="icon" href="/static/core/favicon.svg"' in response.content.decode()
