"""The locale middleware picks the language, and answers with its headers,
exactly as Django's does; with language-prefixed addresses it is Django's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from comptoir.core.middleware import LocaleMiddleware


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.LANGUAGE_CODE)


REQUESTS = [
    {},
    {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"},
    {"HTTP_ACCEPT_LANGUAGE": "de"},  # not offered: the default
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=en"},
    {
        "HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=fr",
        "HTTP_ACCEPT_LANGUAGE": "en",
    },
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=xx"},
]
# The first segment is an organization's slug; one of them reads as a code.
PATHS = ["/parc-aventure/panier/", "/en/panier/", "/backoffice/", "/"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("headers", REQUESTS)
def test_the_same_language_and_headers_as_djangos(path, headers):
    answers = []
    for middleware in (LocaleMiddleware(ok), DjangoLocaleMiddleware(ok)):
        request = RequestFactory().get(path, **headers)
        with translation.override(None):
            response = middleware(request)
        answers.append(
            (
                request.LANGUAGE_CODE,
                response.content,
                response.get("Content-Language"),
                response.get("Vary"),
            )
        )
    ours, djangos = answers
    assert ours == djangos
    assert ours[2] in {"fr", "en"} and "Accept-Language" in ours[3]


def test_english_from_the_cookie_on_a_shop_page(organization):
    http = HttpClient()
    http.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = http.get(reverse("shop:home", kwargs={"org_slug": organization.slug}))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_with_language_prefixes_it_redirects_as_djangos_does():
    """A URL configuration with `i18n_patterns` gets Django's own handling:
    an address without its prefix is sent to the prefixed one."""
    request = RequestFactory().get("/page/")
    request.urlconf = "tests.core.i18n_urls"
    with translation.override(None):
        response = LocaleMiddleware(lambda request: HttpResponseNotFound())(request)
    assert response.status_code == 302
    assert response["Location"] == "/fr/page/"
    request = RequestFactory().get("/en/page/")
    request.urlconf = "tests.core.i18n_urls"
    with translation.override(None):
        response = LocaleMiddleware(ok)(request)
    assert response.content == b"en"
