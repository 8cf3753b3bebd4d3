"""The client record and group writes take typed values, no form: a task,
a command or an API calls them the way the back office does, and the
audit trail says the same."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from comptoir.core.audit import history
from comptoir.customers.models import Client, CustomerGroup
from comptoir.customers.services import save_client, save_group_settings
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_client_is_created_from_values_with_its_groups(
    organization, park, group, manager
):
    client = save_client(
        client=Client(organization=organization),
        values={
            "last_name": "DUPONT",
            "company_name": "DUPONT SARL",
            "initial_park": park,
        },
        groups=[group],
        actor=manager,
        organization=organization,
    )
    stored = Client.objects.get(pk=client.pk)
    assert (stored.last_name, stored.company_name) == ("DUPONT", "DUPONT SARL")
    assert stored.initial_park == park and list(stored.groups.all()) == [group]
    event = history(stored).get(action="customers.client.created")
    assert event.actor == manager
    assert event.data["fields"] == [
        "company_name",
        "groups",
        "initial_park",
        "last_name",
    ]


def test_an_update_audits_only_what_differs_from_the_stored_record(
    organization, park, member, manager
):
    save_client(
        client=member,
        values={"city": "AUXERRE", "company_name": member.company_name},
        actor=manager,
        organization=organization,
    )
    member.refresh_from_db()
    assert member.city == "AUXERRE"
    assert list(member.groups.all())  # groups not given: unchanged
    event = history(member).get(action="customers.client.updated")
    assert event.data["fields"] == ["city"]


def test_a_new_email_moves_the_members_login(organization, member, manager):
    save_client(
        client=member,
        values={"email": "nouvelle@example.com"},
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


def test_fields_outside_the_record_are_refused(organization, member, manager):
    with pytest.raises(ValueError, match="user"):
        save_client(
            client=member,
            values={"user": None},
            actor=manager,
            organization=organization,
        )
    other = factories.organization()
    with pytest.raises(ValueError, match="another organization"):
        save_client(
            client=member, values={"city": "X"}, actor=manager, organization=other
        )
    member.refresh_from_db()
    assert member.user_id is not None and member.city != "X"


def test_a_group_is_created_without_a_form_switch_audited_apart(organization, manager):
    group = save_group_settings(
        group=CustomerGroup(organization=organization),
        name="Comité d'entreprise",
        private_shop=True,
        online_invoices=True,
        actor=manager,
    )
    stored = CustomerGroup.objects.get(pk=group.pk)
    assert (stored.name, stored.private_shop, stored.online_invoices) == (
        "Comité d'entreprise",
        True,
        True,
    )
    actions = list(history(stored).order_by("pk").values_list("action", flat=True))
    assert actions == ["customers.group.created", "customers.group.online_invoices"]


def test_a_group_update_audits_the_changed_settings(organization, group, manager):
    save_group_settings(
        group=group,
        name="Nouveau nom",
        private_shop=group.private_shop,
        online_invoices=group.online_invoices,
        actor=manager,
    )
    event = history(group).get(action="customers.group.updated")
    assert event.data["fields"] == ["name"]
    assert not history(group).filter(action="customers.group.online_invoices").exists()
    assert CustomerGroup.objects.get(pk=group.pk).name == "Nouveau nom"
