"""The third-party accounting code is the accountant's: staff set it, not members."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _profile(member):
    return reverse("members:profile", kwargs={"org_slug": member.organization.slug})


def _data(member, **changes) -> dict:
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "phone": "",
        "address": member.address,
        "address_complement": "",
        "city": member.city,
        "postcode": member.postcode,
        "country": "FR",
        "company_name": member.company_name,
        "accounting_code": member.accounting_code,
        "vat_number": member.vat_number,
        "siret": member.siret,
    }
    data.update(changes)
    return data


def test_a_member_cannot_change_their_accounting_code(member):
    http = HttpClient()
    http.force_login(member.user)
    response = http.post(
        _profile(member), _data(member, accounting_code="411HACK", city="AUXERRE")
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.city == "AUXERRE"
    assert member.accounting_code == "491123456"


def test_the_profile_shows_the_code_read_only(member):
    http = HttpClient()
    http.force_login(member.user)
    page = http.get(_profile(member)).content.decode()
    assert "491123456" in page
    assert "Attribué par le service comptable du parc." in page
    field = page[page.index('name="accounting_code"') - 200 :][:400]
    assert "disabled" in field
