"""The PA's directory: looked up before the buyer's first invoice, cached,
refreshed on demand, shown on the client record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from comptoir.einvoicing.models import DirectoryEntry
from comptoir.einvoicing.services.directory import DIRECTORY_TTL, directory_entry
from tests import factories
from tests.backoffice.conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_buyer_is_looked_up_before_its_first_invoice_and_not_again(
    park, member, products, einvoicing, standin
):
    assert not DirectoryEntry.objects.exists()
    factories.paid_online_sale(park, member, factories.basket(products, ("socks", 1)))
    entry = DirectoryEntry.objects.get(siren=member.siren)
    assert entry.found
    assert entry.addressing_identifier == member.siren
    assert standin.directory_requests == 1

    factories.paid_online_sale(park, member, factories.basket(products, ("socks", 1)))
    assert standin.directory_requests == 1  # the cached answer served


def test_a_lookup_is_cached_then_refreshed_when_stale_or_asked(
    organization, member, einvoicing, standin
):
    first = directory_entry(organization_id=organization.pk, siren=member.siren)
    again = directory_entry(organization_id=organization.pk, siren=member.siren)
    assert (first.pk, standin.directory_requests) == (again.pk, 1)
    assert first.found

    standin.unregistered.add(member.siren)  # the buyer left the directory
    cached = directory_entry(organization_id=organization.pk, siren=member.siren)
    assert cached.found and standin.directory_requests == 1

    refreshed = directory_entry(
        organization_id=organization.pk, siren=member.siren, refresh=True
    )
    assert not refreshed.found
    assert standin.directory_requests == 2

    later = timezone.now() + DIRECTORY_TTL + dt.timedelta(minutes=1)
    standin.unregistered.clear()
    stale = directory_entry(
        organization_id=organization.pk, siren=member.siren, now=later
    )
    assert stale.found and standin.directory_requests == 3
    assert DirectoryEntry.objects.count() == 1


def test_the_client_record_shows_the_directory_and_refreshes_it(
    organization, member, einvoicing, standin, cashier
):
    http = signed_in(cashier)
    page = http.get(reverse("backoffice:client", args=[member.pk]))
    assert "l'annuaire sera consulté avant sa première facture" in page.content.decode()

    response = http.post(reverse("backoffice:client_directory", args=[member.pk]))
    assert response.status_code == 302
    page = http.get(reverse("backoffice:client", args=[member.pk])).content.decode()
    assert "Peut recevoir des factures électroniques" in page
    assert member.siren in page
    assert standin.directory_requests == 1


def test_another_organizations_client_cannot_be_looked_up(member, einvoicing, standin):
    other_org = factories.organization()
    outsider = factories.staff(other_org)
    response = signed_in(outsider).post(
        reverse("backoffice:client_directory", args=[member.pk])
    )
    assert response.status_code == 404
    assert standin.directory_requests == 0
