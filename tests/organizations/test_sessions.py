"""Sessions read their user in their own query, and stay server-side.

`comptoir/organizations/sessions.py`: the session row names its user, the
session's query joins it, and the request's user is that row — checked like
any other (auth hash, active flag). These tests protect what must not be
traded for the saved query: a logout, a password change or a deactivation
still ends the session, and a session whose row is gone is not recreated.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from comptoir.organizations.models import Session
from comptoir.organizations.sessions import SessionStore
from tests.shop.fixtures import members, signed_in

pytestmark = pytest.mark.django_db


def member_home(http: HttpClient, organization) -> int:
    return http.get(members(organization, "home")).status_code


def test_the_session_row_names_its_user_and_one_query_reads_both(organization, member):
    http = signed_in(member.user)
    row = Session.objects.get(session_key=http.session.session_key)
    assert row.user_id == member.user.pk

    with CaptureQueriesContext(connection) as ctx:
        assert member_home(http, organization) == 200

    sql = [q["sql"] for q in ctx.captured_queries]
    session_reads = [s for s in sql if 'FROM "organizations_session"' in s]
    assert len(session_reads) == 1
    assert '"organizations_user"' in session_reads[0]
    assert '"customers_client"' in session_reads[0]
    assert not [
        s for s in sql if s.startswith("SELECT") and 'FROM "organizations_user"' in s
    ]


def test_logging_out_deletes_the_session_and_its_cookie_opens_nothing(
    organization, member
):
    http = signed_in(member.user)
    key = http.session.session_key
    http.post(members(organization, "logout"))

    assert not Session.objects.filter(session_key=key).exists()
    stale = HttpClient()
    stale.cookies["sessionid"] = key
    assert member_home(stale, organization) == 302


def test_a_password_changed_elsewhere_ends_the_session(organization, member):
    http = signed_in(member.user)
    assert member_home(http, organization) == 200
    member.user.set_password("Another-Passw0rd-here")
    member.user.save()

    assert member_home(http, organization) == 302


def test_a_deactivated_member_is_signed_out_at_its_next_request(organization, member):
    http = signed_in(member.user)
    assert member_home(http, organization) == 200
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])

    assert member_home(http, organization) == 302


def test_a_session_whose_row_is_gone_is_not_saved_back(member):
    store = SessionStore()
    store["basket"] = [1]
    store.create()
    Session.objects.filter(session_key=store.session_key).delete()
    store["basket"] = [1, 2]

    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()
