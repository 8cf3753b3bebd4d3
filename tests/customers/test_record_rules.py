"""One rule each for a client record: completeness, online eligibility, SIREN.

Each test drives every caller of the rule through the same cases, so a copy
that drifts (the group page once counted a member without the SIREN the
park requires as complete, while issuing refused them) fails here.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from comptoir.backoffice.queries import (
    filter_clients,
    incomplete_counts_by_group,
    incomplete_member_count,
)
from comptoir.customers.forms import ClientRecordForm
from comptoir.customers.selectors import (
    CLIENT_ELIGIBLE,
    client_is_eligible,
    is_online_invoice_eligible,
    missing_invoice_fields,
    missing_record_fields,
    with_client_eligibility,
)
from comptoir.customers.validators import siren_from_siret, siret_from_field
from comptoir.invoicing.exceptions import IncompleteClientRecord
from comptoir.invoicing.invariants import check_invariants
from comptoir.invoicing.services import issue_invoices
from comptoir.invoicing.services.bulk import sales_missing_invoice
from comptoir.sales.models import Sale
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def siren_park(organization):
    return factories.park(organization, require_buyer_siren=True)


def test_a_member_without_the_siren_the_park_requires_is_incomplete_everywhere(
    organization, siren_park, group, manager
):
    without_siren = factories.client(
        siren_park, groups=[group], siret="", last_name="SANSSIREN"
    )
    complete = factories.client(siren_park, groups=[group], last_name="COMPLET")
    sale = factories.paid_online_sale(
        siren_park,
        without_siren,
        factories.basket(factories.products(siren_park), ("snack", 1)),
    )
    # Issuing refuses it...
    with pytest.raises(IncompleteClientRecord) as refused:
        issue_invoices(sale=sale)
    assert refused.value.missing == ["siret"]
    # ...and every back-office count and filter agrees.
    assert missing_record_fields(without_siren) == ["siret"]
    assert missing_record_fields(complete) == []
    assert incomplete_member_count(group) == 1
    assert incomplete_counts_by_group(organization.pk) == {group.pk: 1}
    assert list(filter_clients(organization.pk, {"incomplete": True})) == [
        without_siren
    ]
    http = signed_in(manager)
    group_page = http.get(reverse("backoffice:group", args=[group.pk]))
    assert group_page.context["incomplete_count"] == 1
    group_list = http.get(reverse("backoffice:groups"))
    counted = {g.pk: g.incomplete_count for g in group_list.context["groups"]}
    assert counted == {group.pk: 1}
    client_page = http.get(reverse("backoffice:client", args=[without_siren.pk]))
    assert client_page.context["missing"] == ["siret"]


def test_a_field_of_invisible_characters_is_empty_for_every_caller(
    organization, park, group
):
    blank_city = factories.client(park, groups=[group], city="\u200b \u00a0")
    assert missing_invoice_fields(blank_city, park) == ["city"]
    assert missing_record_fields(blank_city) == ["city"]
    assert incomplete_member_count(group) == 1
    assert incomplete_counts_by_group(organization.pk) == {group.pk: 1}
    assert list(filter_clients(organization.pk, {"incomplete": True})) == [blank_city]


def test_online_invoice_eligibility_is_membership_of_a_group_with_them_on(
    organization, park, manager
):
    on = factories.group(organization, online_invoices=True)
    off = factories.group(organization, online_invoices=False)
    eligible = factories.client(park, groups=[on, off])
    not_eligible = factories.client(park, groups=[off])
    snack = factories.basket(factories.products(park), ("snack", 1))
    eligible_sale = factories.paid_online_sale(park, eligible, snack)
    other_sale = factories.paid_online_sale(park, not_eligible, snack)
    assert is_online_invoice_eligible(eligible)
    assert not is_online_invoice_eligible(not_eligible)
    # Issuing on payment invoiced the eligible client's sale only.
    assert eligible_sale.invoices.exists()
    assert not other_sale.invoices.exists()
    # Bulk generation and the invariants follow the same rule.
    assert list(sales_missing_invoice(organization.pk)) == []
    assert check_invariants(require_rendered=False) == []
    http = signed_in(manager)
    page = http.get(reverse("backoffice:client", args=[eligible.pk]))
    assert page.context["eligible"] is True
    page = http.get(reverse("backoffice:client", args=[not_eligible.pk]))
    assert page.context["eligible"] is False


def test_eligibility_read_with_a_sale_is_its_own_clients(organization, park):
    """The subquery form of the rule (read with the sale being paid) answers
    as the rule does, for each sale's own client."""
    on = factories.group(organization, online_invoices=True)
    off = factories.group(organization, online_invoices=False)
    clients = [factories.client(park, groups=[g]) for g in (on, on, off, off)]
    snack = factories.basket(factories.products(park), ("snack", 1))
    # Made in the other order: a sale's id is not its client's.
    sales = [factories.online_sale(park, c, snack) for c in reversed(clients)]
    sales.append(factories.online_sale(park, None, snack))

    rows = with_client_eligibility(Sale.objects.select_related("client"))

    read = {row.pk: getattr(row, CLIENT_ELIGIBLE) for row in rows}
    assert read == {
        sale.pk: bool(sale.client and is_online_invoice_eligible(sale.client))
        for sale in sales
    }
    assert [client_is_eligible(row, row.client) for row in rows if row.client] == [
        is_online_invoice_eligible(row.client) for row in rows if row.client
    ]
    assert list(read.values()).count(True) == 2


@pytest.mark.parametrize(
    ("field", "siren", "siret"),
    [
        ("73282932000074", "732829320", "73282932000074"),
        ("732 829 320 00074", "732829320", "73282932000074"),
        ("732829320 RCS PARIS", "732829320", ""),
        ("732.829.320", "732829320", ""),
        ("73282932000075", "", ""),  # wrong key
        ("732829321", "", ""),  # wrong key
        ("RCS PARIS 732829320", "", ""),
        ("", "", ""),
    ],
)
def test_the_siren_is_read_from_the_siret_field_by_one_rule(park, field, siren, siret):
    assert siren_from_siret(field) == siren
    assert siret_from_field(field) == siret
    client = factories.client(park, siret=field)
    assert client.siren == siren
    assert client.siret_digits == siret


def test_the_record_form_checks_the_vat_number_against_the_same_siren(park):
    client = factories.client(park)
    data = {f: getattr(client, f) for f in ClientRecordForm.Meta.fields}
    data.update(siret="732 829 320 00074", vat_number="FR28324567890")
    form = ClientRecordForm(data, instance=client)
    assert not form.is_valid()
    assert "vat_number" in form.errors
    data.update(vat_number="FR44732829320")
    form = ClientRecordForm(data, instance=client)
    assert form.is_valid(), form.errors
