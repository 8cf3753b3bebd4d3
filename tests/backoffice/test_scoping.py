"""Another organization's ids give 404, on every page and every action."""

import pytest
from django.urls import reverse

from comptoir.customers.models import CustomerGroup

pytestmark = pytest.mark.django_db


def object_urls(other):
    sale = {"public_id": other.sale.public_id}
    return [
        ("get", reverse("backoffice:group", kwargs={"pk": other.group.pk})),
        ("post", reverse("backoffice:group", kwargs={"pk": other.group.pk})),
        ("post", reverse("backoffice:group_add_member", kwargs={"pk": other.group.pk})),
        (
            "post",
            reverse(
                "backoffice:group_remove_member",
                kwargs={"pk": other.group.pk, "client_pk": other.client.pk},
            ),
        ),
        ("get", reverse("backoffice:client", kwargs={"pk": other.client.pk})),
        ("post", reverse("backoffice:client", kwargs={"pk": other.client.pk})),
        ("post", reverse("backoffice:client_invite", kwargs={"pk": other.client.pk})),
        ("get", reverse("backoffice:sale", kwargs=sale)),
        ("post", reverse("backoffice:sale_issue_invoice", kwargs=sale)),
        ("post", reverse("backoffice:sale_refund", kwargs=sale)),
        (
            "get",
            reverse(
                "backoffice:document_pdf", kwargs={"public_id": other.invoice.public_id}
            ),
        ),
    ]


def test_another_organizations_objects_are_not_found(as_manager, park, other):
    for method, url in object_urls(other):
        response = getattr(as_manager, method)(url, {"name": "x"})
        assert response.status_code == 404, url
    assert other.client.groups.filter(pk=other.group.pk).exists()
    assert CustomerGroup.objects.get(pk=other.group.pk).name == "Autre groupe"


def test_a_group_cannot_take_a_client_of_another_organization(as_manager, group, other):
    url = reverse("backoffice:group_add_member", kwargs={"pk": group.pk})
    assert as_manager.post(url, {"client": other.client.pk}).status_code == 404
    assert not group.clients.filter(pk=other.client.pk).exists()


def test_lists_only_show_the_own_organization(as_manager, member, other):
    pages = [
        reverse("backoffice:clients"),
        reverse("backoffice:groups"),
        reverse("backoffice:sales"),
        reverse("backoffice:invoices"),
        reverse("backoffice:alerts") + "?etat=fermees",
        reverse("backoffice:dashboard"),
    ]
    for url in pages:
        content = as_manager.get(url).content.decode()
        assert "AUTRECLIENT" not in content, url
        assert other.sale.number not in content, url
        assert "Autre groupe" not in content, url
    assert (
        member.last_name
        in as_manager.get(reverse("backoffice:clients")).content.decode()
    )


def test_the_counter_refuses_a_client_of_another_organization(
    as_cashier, park, products, other
):
    url = reverse("backoffice:counter")
    assert as_cashier.get(url, {"client": other.client.pk}).status_code == 404
    response = as_cashier.post(
        url,
        {
            "reference": "a" * 32,
            "client": other.client.pk,
            "method": "cash",
            f"qty_{products['ticket'].pk}": 1,
        },
    )
    # Not yours looks like not found, on a POST as on a GET.
    assert response.status_code == 404
    assert not other.client.sales.filter(channel="counter").exists()


def test_the_counter_refuses_a_park_of_another_organization(as_cashier, park, other):
    response = as_cashier.get(reverse("backoffice:counter"), {"parc": other.park.pk})
    assert response.status_code == 404
