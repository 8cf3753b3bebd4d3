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
    assert http.get(members(organization, "invoices")).status_code == 404


def test_invoice_pages_are_404_for_visitors_staff_and_outsiders(
    organization, park, manager, other_organization
):
    _, _, _, outsider = other_organization
    for http in (HttpClient(), signed_in(manager), signed_in(outsider.user)):
        assert http.get(members(organization, "invoices")).status_code == 404
        url = members(organization, "invoice_download", public_id=uuid.uuid4())
        assert http.get(url).status_code == 404


def test_the_404_page_offers_to_log_in(organization, park):
    response = HttpClient().get(members(organization, "invoices"))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in page
    assert members(organization, "login") + "?next=" in page


def test_member_without_client_record_is_not_a_member(organization, park):
    client = factories.client(park, with_account=True)
    user = client.user
    client.user = None
    client.save()
    http = signed_in(user)
    assert http.get(members(organization, "home")).status_code == 302
