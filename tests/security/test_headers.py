"""Security headers on every kind of page; HSTS and secure cookies in
production (the real `comptoir.settings.prod`, read with its environment)."""

from __future__ import annotations

import importlib
import sys
import uuid

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROD_SECRET = "x" * 20 + "-production-like-secret-key-0123456789abcdef"


def pages(world):
    """(visitor, url, expected status) across the three front ends."""
    a, slug = world.a, world.a.organization.slug
    invoice = a.invoices["a1"].public_id
    return [
        ("anon", reverse("shop:home", kwargs={"org_slug": slug}), 200),
        ("anon", reverse("members:login", kwargs={"org_slug": slug}), 200),
        ("a1", reverse("members:invoices", kwargs={"org_slug": slug}), 200),
        (
            "a1",
            reverse(
                "members:invoice_download",
                kwargs={"org_slug": slug, "public_id": invoice},
            ),
            200,
        ),
        (
            "a1",
            reverse(
                "members:invoice_download",
                kwargs={"org_slug": slug, "public_id": uuid.uuid4()},
            ),
            404,
        ),
        ("anon", reverse("backoffice:login"), 200),
        ("manager", reverse("backoffice:dashboard"), 200),
        ("manager", reverse("backoffice:park", kwargs={"pk": a.park.pk}), 200),
        ("manager", reverse("backoffice:invoices_csv"), 200),
        ("manager", reverse("backoffice:invoices_xlsx"), 200),
        (
            "cashier",
            reverse("backoffice:document_pdf", kwargs={"public_id": invoice}),
            200,
        ),
        ("cashier", reverse("backoffice:groups"), 403),
        ("a1", reverse("backoffice:dashboard"), 403),
    ]


def test_every_page_forbids_framing_sniffing_and_foreign_scripts(world):
    for visitor, url, status in pages(world):
        response = world.http(visitor).get(url)
        assert response.status_code == status, url
        csp = response["Content-Security-Policy"]
        directives = dict((part.split(" ", 1) + [""])[:2] for part in csp.split("; "))
        assert directives["default-src"] == "'self'", url
        assert directives["script-src"] == "'self'", url  # no inline script
        assert directives["frame-ancestors"] == "'none'", url
        assert directives["form-action"] == "'self'", url
        assert directives["base-uri"] == "'self'", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_documents_and_exports_are_never_kept_in_a_cache(world):
    files = 0
    for visitor, url, _status in pages(world):
        response = world.http(visitor).get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        if "Content-Disposition" in response:
            files += 1
            assert "no-store" in response["Cache-Control"], url
            assert "private" in response["Cache-Control"], url
    assert files == 4


@pytest.fixture
def production(monkeypatch):
    """The security settings of comptoir.settings.prod, as deployed."""
    monkeypatch.setenv("DJANGO_SECRET_KEY", PROD_SECRET)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    for name in (
        "DJANGO_SECURE_COOKIES",
        "DJANGO_SECURE_SSL_REDIRECT",
        "DJANGO_HSTS_SECONDS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delitem(sys.modules, "comptoir.settings.prod", raising=False)
    prod = importlib.import_module("comptoir.settings.prod")
    monkeypatch.delitem(sys.modules, "comptoir.settings.prod")
    wanted = ("SECURE_", "SESSION_", "CSRF_", "X_FRAME", "ALLOWED_HOSTS", "DEBUG")
    values = {k: v for k, v in vars(prod).items() if k.startswith(wanted)}
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    with override_settings(**values):
        yield values


def test_production_sends_plain_http_to_https(production, world):
    response = HttpClient().get(reverse("backoffice:login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/backoffice/connexion/"


def test_production_pins_https_with_hsts(production, world):
    for url in (
        reverse("backoffice:login"),
        reverse("shop:home", kwargs={"org_slug": world.a.organization.slug}),
    ):
        response = HttpClient().get(url, secure=True)
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )


def flags(cookie) -> dict:
    return {
        "secure": bool(cookie["secure"]),
        "httponly": bool(cookie["httponly"]),
        "samesite": cookie["samesite"],
    }


SAFE_COOKIE = {"secure": True, "httponly": True, "samesite": "Lax"}


@pytest.mark.parametrize("front", ["backoffice", "members"])
def test_production_login_cookies_are_secure_and_out_of_reach_of_scripts(
    production, world, front
):
    if front == "backoffice":
        url, email = reverse("backoffice:login"), world.a.users["manager"].email
    else:
        slug = world.a.organization.slug
        url = reverse("members:login", kwargs={"org_slug": slug})
        email = world.a.clients["a1"].email
    http = HttpClient(enforce_csrf_checks=True)
    page = http.get(url, secure=True)
    csrf = page.cookies["csrftoken"]
    assert flags(csrf) == SAFE_COOKIE

    response = http.post(
        url,
        {"email": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
        secure=True,
        headers={"Referer": f"https://testserver{url}"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session.value
    assert flags(session) == SAFE_COOKIE
    assert "Secure" in session.output() and "HttpOnly" in session.output()
