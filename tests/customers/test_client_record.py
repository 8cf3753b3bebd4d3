"""Changing a member's email moves its login with it."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from comptoir.customers.forms import ClientRecordForm
from comptoir.customers.services import save_client
from tests import factories

pytestmark = pytest.mark.django_db


def _form(client, **changes):
    data = {f: getattr(client, f) for f in ClientRecordForm.Meta.fields}
    data.update(changes)
    return ClientRecordForm(data, instance=client)


def test_new_email_becomes_the_login(member, manager, organization):
    form = _form(member, email="nouvelle@example.com")
    assert form.is_valid(), form.errors
    save_client(
        client=form.instance,
        values=form.record_values(),
        actor=manager,
        organization=organization,
    )
    user = authenticate(
        RequestFactory().post("/"),
        email="nouvelle@example.com",
        password=factories.PASSWORD,
        organization=organization,
        kind="member",
    )
    assert user is not None and user.pk == member.user_id


def test_email_of_another_member_is_refused_with_a_message(member, park, group):
    other = factories.client(park, groups=[group], with_account=True)
    form = _form(member, email=other.email)
    assert not form.is_valid()
    assert "Un autre membre" in form.errors["email"][0]


def test_inviting_a_client_whose_email_is_another_members_login_is_refused(
    member, park
):
    from comptoir.customers.services import LoginTaken, ensure_member_account

    twin = factories.client(park, email=member.email)
    with pytest.raises(LoginTaken):
        ensure_member_account(client=twin)
    twin.refresh_from_db()
    assert twin.user_id is None


def test_an_orphan_account_with_the_clients_email_is_linked_back(member, park):
    from comptoir.customers.services import ensure_member_account

    user = member.user
    member.user = None
    member.save(update_fields=["user"])
    assert ensure_member_account(client=member).pk == user.pk


def test_control_characters_are_refused_in_a_client_record(member):
    form = _form(member, company_name="BAY\x07CORP", city="PARIS\x00")
    assert not form.is_valid()
    assert "caractères non autorisés" in form.errors["company_name"][0]
    assert "city" in form.errors
