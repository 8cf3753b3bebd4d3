"""Customer groups: the online-invoice switch, its members, its history."""

import pytest
from django.urls import reverse

from comptoir.backoffice.forms.groups import GroupForm
from comptoir.core.audit import history
from comptoir.customers.models import CustomerGroup
from tests import factories

pytestmark = pytest.mark.django_db

SEED_HELP = (
    "Activer (ou non) la mise à disposition des factures en ligne. "
    "Note\xa0: «\xa0non\xa0» est activé par défaut."
)


def settings_data(**overrides):
    data = {"name": "Groupe CE privilège", "private_shop": "True"}
    data["online_invoices"] = "False"
    data.update(overrides)
    return data


def test_a_new_group_has_online_invoices_off_by_default_with_the_seed_help(
    as_manager, organization
):
    page = as_manager.get(reverse("backoffice:group_create")).content.decode()
    assert "Factures disponibles en ligne" in page
    assert SEED_HELP in page

    response = as_manager.post(
        reverse("backoffice:group_create"), settings_data(name="Club VIP")
    )
    group = CustomerGroup.objects.get(organization=organization, name="Club VIP")
    assert response["Location"] == reverse("backoffice:group", kwargs={"pk": group.pk})
    assert group.online_invoices is False
    assert group.private_shop is True
    assert history(group).filter(action="customers.group.created").exists()


def test_the_default_radio_is_non(as_manager, organization):
    form = GroupForm(organization=organization)
    assert form["online_invoices"].value() is False
    html = str(form["online_invoices"])
    non = html.split('value="False"')[1].split(">")[0]
    assert "checked" in non


def test_group_names_are_unique_in_the_organization(as_manager, group):
    response = as_manager.post(
        reverse("backoffice:group_create"), settings_data(name=group.name.upper())
    )
    assert response.status_code == 200
    assert "Un groupe porte déjà ce nom." in response.content.decode()


def test_the_members_table_has_the_seed_columns(as_manager, park, group):
    client = factories.client(park, groups=[group], first_name="ERIC", last_name="BAY")
    page = as_manager.get(reverse("backoffice:group", kwargs={"pk": group.pk}))
    content = page.content.decode()
    for column in [
        "Nom du client",
        "Raison sociale",
        "Profil client",
        "Parc initial",
        "Groupes de clients",
        "Retirer du groupe",
    ]:
        assert column in content
    assert client.display_name == "ERIC BAY"
    assert "ERIC BAY" in content
    assert "BAYCORP INC" in content
    assert "Particulier" in content
    assert park.public_code in content


def test_turning_online_invoices_on_is_audited_and_counts_incomplete_records(
    as_manager, manager, park, organization
):
    group = factories.group(organization, online_invoices=False, name="Groupe CE")
    factories.client(park, groups=[group])
    factories.client(park, groups=[group], complete=False)
    factories.client(park, groups=[group], complete=False)
    url = reverse("backoffice:group", kwargs={"pk": group.pk})

    response = as_manager.post(
        url, settings_data(name="Groupe CE", online_invoices="True"), follow=True
    )

    group.refresh_from_db()
    assert group.online_invoices is True
    event = history(group).get(action="customers.group.online_invoices")
    assert event.actor == manager
    assert event.data == {"enabled": True}
    content = response.content.decode()
    assert "2 membres ont une fiche incomplète" in content
    link = reverse("backoffice:clients") + f"?group={group.pk}&amp;incomplete=on"
    assert link in content
    assert "Factures disponibles en ligne : Oui" in content  # shown in the history


def test_the_incomplete_link_lists_exactly_those_records(
    as_manager, park, organization
):
    group = factories.group(organization, online_invoices=True)
    factories.client(park, groups=[group], last_name="COMPLETE")
    factories.client(park, groups=[group], complete=False, last_name="PARTIEL")
    factories.client(park, complete=False, last_name="HORSGROUPE")
    content = as_manager.get(
        reverse("backoffice:clients"), {"group": group.pk, "incomplete": "on"}
    ).content.decode()
    assert "PARTIEL" in content
    assert "COMPLETE" not in content
    assert "HORSGROUPE" not in content


def test_renaming_a_group_is_audited_without_touching_the_switch(
    as_manager, manager, group
):
    url = reverse("backoffice:group", kwargs={"pk": group.pk})
    as_manager.post(url, settings_data(name="Nouveau nom", online_invoices="True"))
    group.refresh_from_db()
    assert group.name == "Nouveau nom"
    assert group.online_invoices is True
    event = history(group).get(action="customers.group.updated")
    assert event.actor == manager
    assert event.data["fields"] == ["name"]
    assert not history(group).filter(action="customers.group.online_invoices").exists()


def test_remove_from_group_is_a_post_and_is_audited(as_manager, manager, group, member):
    url = reverse(
        "backoffice:group_remove_member",
        kwargs={"pk": group.pk, "client_pk": member.pk},
    )
    assert as_manager.get(url).status_code == 405
    response = as_manager.post(url, follow=True)
    assert not group.clients.filter(pk=member.pk).exists()
    event = history(group).get(action="customers.group.member_removed")
    assert event.actor == manager
    assert "Client retiré du groupe" in response.content.decode()


def test_clients_are_added_by_searching(as_manager, manager, park, group):
    outsider = factories.client(
        park, company_name="ACME TRAMPOLINE", last_name="DUPONT"
    )
    page = as_manager.get(
        reverse("backoffice:group", kwargs={"pk": group.pk}), {"q": "acme"}
    ).content.decode()
    assert "DUPONT" in page
    assert "Ajouter au groupe" in page

    as_manager.post(
        reverse("backoffice:group_add_member", kwargs={"pk": group.pk}),
        {"client": outsider.pk, "q": "acme"},
    )
    assert group.clients.filter(pk=outsider.pk).exists()
    assert history(group).get(action="customers.group.member_added").actor == manager


def test_the_search_leaves_out_clients_already_in_the_group(as_manager, group, member):
    page = as_manager.get(
        reverse("backoffice:group", kwargs={"pk": group.pk}), {"q": member.last_name}
    ).content.decode()
    assert "Aucun client trouvé hors de ce groupe." in page


def test_the_group_list_shows_switch_and_incomplete_counts(
    as_manager, park, group, incomplete_member
):
    content = as_manager.get(reverse("backoffice:groups")).content.decode()
    assert group.name in content
    assert f"?group={group.pk}&amp;incomplete=on" in content
