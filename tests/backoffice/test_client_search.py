"""The client search is written once (customers.selectors.search_clients,
client_word_q) and every back-office box that looks for a client uses it:
the client list, the counter's client lookup, the group page's "add a
member" and the sale list's client filter find the same clients."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.customers.selectors import clients_of, search_clients
from tests import factories

pytestmark = pytest.mark.django_db

# (search text, the last names it finds)
CASES = [
    ("acme", {"DURANDQX", "MARTINQX"}),
    ("ACME sens", {"DURANDQX"}),
    ("compta@martin", {"MARTINQX"}),
    ("411acmd", {"DURANDQX"}),
    ("eric auxerre", {"MARTINQX"}),
    ("durandqx auxerre", set()),
]


@pytest.fixture
def searched(park, products):
    clients = [
        factories.client(
            park,
            last_name="DURANDQX",
            company_name="ACME LOISIRS",
            city="SENS",
            accounting_code="411ACMD",
        ),
        factories.client(
            park,
            last_name="MARTINQX",
            company_name="ACME LOISIRS",
            city="AUXERRE",
            email="compta@martin.example",
        ),
    ]
    for client in clients:
        factories.paid_online_sale(
            park, client, factories.basket(products, ("ticket", 1))
        )
    return clients


def _found(content: str) -> set[str]:
    return {name for name in ("DURANDQX", "MARTINQX") if name in content}


def _client_list(http, group, text):
    return http.get(reverse("backoffice:clients"), {"q": text})


def _counter(http, group, text):
    return http.get(reverse("backoffice:counter"), {"q": text})


def _group_page(http, group, text):
    return http.get(reverse("backoffice:group", kwargs={"pk": group.pk}), {"q": text})


def _sale_list(http, group, text):
    return http.get(reverse("backoffice:sales"), {"client": text})


@pytest.mark.parametrize(
    "screen",
    [_client_list, _counter, _group_page, _sale_list],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize(("text", "expected"), CASES)
def test_every_client_search_box_finds_the_same_clients(
    as_manager, organization, group, searched, screen, text, expected
):
    found = {
        client.last_name for client in search_clients(clients_of(organization.pk), text)
    }
    assert found == expected
    response = screen(as_manager, group, text)
    assert response.status_code == 200
    assert _found(response.content.decode()) == expected


def test_the_search_stays_in_the_organization(organization, searched, other):
    assert not search_clients(clients_of(organization.pk), "autreclient").exists()
    theirs = search_clients(clients_of(other.organization.pk), "autreclient")
    assert list(theirs) == [other.client]
