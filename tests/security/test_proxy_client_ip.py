"""Login throttling behind the TLS proxy counts the client, not the proxy.

The proxy's header is configured (COMPTOIR_TRUSTED_PROXY_HEADER), never
guessed: only the entries the trusted proxies appended are believed.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.test import RequestFactory, override_settings

from comptoir.core.client_ip import client_ip
from tests.factories import PASSWORD
from tests.shop.fixtures import members

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.9"
VICTIM = "198.51.100.7"
BEHIND_PROXY = override_settings(
    COMPTOIR_TRUSTED_PROXY_HEADER="X-Forwarded-For", COMPTOIR_TRUSTED_PROXY_COUNT=1
)


def _request(forwarded: str | None = None, remote: str = PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@BEHIND_PROXY
def test_the_address_is_the_one_the_proxy_appended():
    assert client_ip(_request(ATTACKER)) == ATTACKER
    # A client's own X-Forwarded-For comes first; the proxy appends the peer.
    assert client_ip(_request(f"1.2.3.4, {ATTACKER}")) == ATTACKER


@BEHIND_PROXY
def test_without_the_header_or_with_garbage_the_peer_is_used():
    assert client_ip(_request()) == PROXY
    assert client_ip(_request("not-an-address")) == PROXY


@override_settings(
    COMPTOIR_TRUSTED_PROXY_HEADER="X-Forwarded-For", COMPTOIR_TRUSTED_PROXY_COUNT=2
)
def test_two_proxies_mean_the_second_entry_from_the_right():
    assert client_ip(_request(f"1.2.3.4, {VICTIM}, 10.0.0.2")) == VICTIM


@override_settings(COMPTOIR_TRUSTED_PROXY_HEADER="")
def test_a_header_nobody_configured_is_ignored():
    assert client_ip(_request(ATTACKER)) == PROXY


def _login(http, organization, email, password, forwarded):
    return http.post(
        members(organization, "login"),
        {"email": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@BEHIND_PROXY
def test_an_attacker_behind_the_proxy_does_not_lock_the_member_out(
    organization, member
):
    attacker = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, organization, member.email, "devine", ATTACKER)
    assert (
        _login(attacker, organization, member.email, PASSWORD, ATTACKER).status_code
        == 429
    )
    response = _login(HttpClient(), organization, member.email, PASSWORD, VICTIM)
    assert response.status_code == 302


@BEHIND_PROXY
def test_a_forged_header_does_not_reset_the_attackers_count(organization, member):
    attacker = HttpClient()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, organization, member.email, "devine", f"9.9.9.{n}, {ATTACKER}")
    response = _login(
        attacker, organization, member.email, PASSWORD, f"8.8.8.8, {ATTACKER}"
    )
    assert response.status_code == 429
