"""Password-reset requests are throttled per account and per client address.

The account count runs whether the account exists or not, so the answer
never tells an outsider which addresses are members.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client as HttpClient

from comptoir.members.views.password import RESETS_PER_ACCOUNT, RESETS_PER_ADDRESS
from tests import factories
from tests.shop.fixtures import members, text

pytestmark = pytest.mark.django_db

TOO_MANY = "Trop de demandes de réinitialisation"


def _ask(organization, email, address="203.0.113.9"):
    return HttpClient().post(
        members(organization, "password_reset"),
        {"email": email},
        REMOTE_ADDR=address,
    )


def test_one_account_gets_a_few_mails_then_a_french_refusal(organization, member):
    for n in range(RESETS_PER_ACCOUNT):
        response = _ask(organization, member.email, address=f"198.51.100.{n}")
        assert response.status_code == 302
    refused = _ask(organization, member.email.upper(), address="198.51.100.99")
    assert refused.status_code == 429
    assert TOO_MANY in text(refused)
    assert len(mail.outbox) == RESETS_PER_ACCOUNT


def test_an_unknown_address_is_throttled_the_same_way(organization):
    answers = [
        _ask(organization, "nobody@example.com", address=f"198.51.100.{n}").status_code
        for n in range(RESETS_PER_ACCOUNT + 1)
    ]
    assert answers == [302] * RESETS_PER_ACCOUNT + [429]


def test_one_address_cannot_spray_many_accounts(organization, park):
    clients = [
        factories.client(park, with_account=True) for _ in range(RESETS_PER_ADDRESS + 1)
    ]
    answers = [_ask(organization, c.email).status_code for c in clients]
    assert answers == [302] * RESETS_PER_ADDRESS + [429]
    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_other_members_are_not_held_up_by_a_throttled_one(organization, park, member):
    for n in range(RESETS_PER_ACCOUNT + 1):
        _ask(organization, member.email, address=f"198.51.100.{n}")
    colleague = factories.client(park, with_account=True)
    assert _ask(organization, colleague.email, address="192.0.2.1").status_code == 302
