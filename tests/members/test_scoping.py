"""A member sees only its own organization and its own data; not found and
not yours look the same."""

import uuid

import pytest
from django.test import Client as HttpClient

from tests import factories
from tests.shop.fixtures import members, signed_in

pytestmark = pytest.mark.django_db


def test_a_member_of_another_organization_is_anonymous_here(
    organization, park, other_organization
):
    _, _, _, outsider = other_organization
    http = signed_in(outsider.user)
    response = http.get(members(organization, "home"))
    assert response["Location"].startswith(members(organization, "login"))
    response = http.get(members(organization, "invoices"))
    assert response["Location"].startswith(members(organization, "login"))


def test_invoice_pages_send_visitors_staff_and_outsiders_to_the_login(
    organization, park, manager, other_organization
):
    """A link from a mail opened logged out leads to the login, which leads
    back; whether the document exists is not told before logging in."""
    _, _, _, outsider = other_organization
    login = members(organization, "login")
    for http in (HttpClient(), signed_in(manager), signed_in(outsider.user)):
        response = http.get(members(organization, "invoices"))
        assert response.status_code == 302
        assert response["Location"] == login + "?next=%2F" + (
            members(organization, "invoices")[1:].replace("/", "%2F")
        )
        url = members(organization, "invoice_download", public_id=uuid.uuid4())
        response = http.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(login + "?next=")


def test_a_member_without_online_invoices_gets_the_not_found_page(organization, park):
    group = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[group], with_account=True)
    response = signed_in(client.user).get(members(organization, "invoices"))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_member_without_client_record_is_not_a_member(organization, park):
    client = factories.client(park, with_account=True)
    user = client.user
    client.user = None
    client.save()
    http = signed_in(user)
    assert http.get(members(organization, "home")).status_code == 302
