"""Every form posts with a CSRF token, and every POST without one is refused.

The endpoints come from the resolver (as in the access table), so a new
form is covered the day it is added. The payment provider's notification
is the one exception: it comes from a server, carries no token, and is
refused unless its body is signed.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from .conftest import VISITORS
from .endpoints import endpoints, url_kwargs
from .state import business_writes
from .test_access_table import ACCESS, NO, OK, Ids, answer, body_for

pytestmark = pytest.mark.django_db

SERVER_TO_SERVER = {"shop:payment_notification", "einvoicing:webhook"}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POST_FORM = re.compile(r'method=["\']?post', re.I)


def visitor_for(name: str) -> str:
    """Someone the endpoint lets in, so only the token decides."""
    if name in ("set_language", "members:login", "backoffice:login") or "password" in (
        name
    ):
        return "anon"
    if name.startswith("backoffice:"):
        return "manager"
    return "a1"


def unsafe_endpoints():
    for endpoint in endpoints():
        for method in endpoint.methods:
            if method in ("POST", "PUT", "PATCH", "DELETE"):
                yield endpoint, method


def expected_for(name: str, method: str, visitor: str) -> str:
    rule = ACCESS[name][method]
    row = rule.own if isinstance(rule, Ids) else rule
    return row[VISITORS.index(visitor)]


def kind_of(name: str, method: str) -> str | None:
    rule = ACCESS[name][method]
    return rule.kind if isinstance(rule, Ids) else None


def test_every_unsafe_request_without_a_token_is_refused(world):
    world.sign_in_everyone()
    problems = []
    for endpoint, method in unsafe_endpoints():
        if endpoint.name in SERVER_TO_SERVER:
            continue
        visitor = visitor_for(endpoint.name)
        expected = expected_for(endpoint.name, method, visitor)
        assert expected != NO, f"{endpoint.name}: pick a visitor it lets in"
        kwargs = url_kwargs(world, endpoint, kind_of(endpoint.name, method), "own")
        path = reverse(endpoint.name, kwargs=kwargs)
        body = urlencode(body_for(world, endpoint.name, "own"))
        form = "application/x-www-form-urlencoded"
        where = f"{method} {endpoint.name} as {visitor}"
        with transaction.atomic():
            http = world.http(
                visitor, enforce_csrf_checks=True, raise_request_exception=False
            )
            with CaptureQueriesContext(connection) as queries:
                response = http.generic(method, path, body, form)
            if response.status_code != 403:
                problems.append(f"{where} without token: {response.status_code}")
            if business_writes(queries.captured_queries):
                problems.append(f"{where} without token wrote to the database")
            transaction.set_rollback(True)

        # The same request with a token gets the table's answer: only the
        # token made the difference.
        with transaction.atomic():
            http = world.http(
                visitor, enforce_csrf_checks=True, raise_request_exception=False
            )
            token = _get_new_csrf_string()
            http.cookies[settings.CSRF_COOKIE_NAME] = token
            response = http.generic(
                method, path, body, form, headers={"X-CSRFToken": token}
            )
            got = answer(response, endpoint.name, kwargs, path)
            if got != expected:
                problems.append(f"{where} with token: {got}, table says {expected}")
            transaction.set_rollback(True)
    assert problems == [], "\n".join(problems)


def test_the_payment_notification_needs_a_signature_not_a_token(world):
    endpoint = next(e for e in endpoints() if e.name == "shop:payment_notification")
    path = reverse(endpoint.name, kwargs=url_kwargs(world, endpoint, "provider", "own"))
    http = world.http("anon", enforce_csrf_checks=True)
    body = (
        f'{{"sale": "{world.a.sales["a1"].public_id}", "transaction_id": "x", '
        '"amount": "1.00", "currency": "EUR", "status": "paid"}'
    )
    for headers in ({}, {"X-Simulator-Signature": "0" * 64}):
        with CaptureQueriesContext(connection) as queries:
            response = http.post(
                path, body, content_type="application/json", headers=headers
            )
        assert response.status_code == 400
        assert business_writes(queries.captured_queries) == []


def test_every_form_of_every_page_carries_a_token(world):
    world.sign_in_everyone()
    problems = []
    pages = 0
    for endpoint in endpoints():
        if "GET" not in endpoint.methods:
            continue
        rule = ACCESS[endpoint.name]["GET"]
        row = rule.own if isinstance(rule, Ids) else rule
        kwargs = url_kwargs(world, endpoint, kind_of(endpoint.name, "GET"), "own")
        for visitor, expected in zip(VISITORS, row, strict=True):
            if expected != OK:
                continue
            response = world.http(visitor).get(reverse(endpoint.name, kwargs=kwargs))
            if not response.get("Content-Type", "").startswith("text/html"):
                if response.streaming:  # read to the end: it closes its file
                    b"".join(response.streaming_content)
                break
            pages += 1
            for attributes, inner in FORM.findall(response.content.decode()):
                if POST_FORM.search(attributes) and "csrfmiddlewaretoken" not in inner:
                    problems.append(f"{endpoint.name} as {visitor}: <form{attributes}>")
    assert pages > 30
    assert problems == [], "\n".join(problems)
