"""'Corriger la facture' from a sale's page: fix the record, reissue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.core.models import AuditEvent
from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    return Invoice.objects.get(sale=sale)


def correct_url(invoice) -> str:
    return reverse(
        "backoffice:invoice_correct", kwargs={"public_id": invoice.public_id}
    )


def form_data(client, **changes) -> dict:
    data = {
        "company_name": client.company_name,
        "address": client.address,
        "address_complement": client.address_complement,
        "postcode": client.postcode,
        "city": client.city,
        "country": client.country or "FR",
        "vat_number": client.vat_number,
        "siret": client.siret,
        "accounting_code": client.accounting_code,
        "reason": "Raison sociale erronée",
    }
    data.update(changes)
    return data


def test_the_sale_page_offers_the_correction_of_its_active_invoice(as_cashier, invoice):
    page = as_cashier.get(
        reverse("backoffice:sale", kwargs={"public_id": invoice.sale.public_id})
    ).content.decode()
    assert correct_url(invoice) in page
    assert "Corriger la facture" in page


def test_a_cashier_corrects_the_company_name(as_cashier, cashier, invoice, member):
    response = as_cashier.post(
        correct_url(invoice), form_data(member, company_name="BAYCORP SAS")
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.company_name == "BAYCORP SAS"
    new = Invoice.objects.filter(sale=invoice.sale).active().get()
    assert new != invoice
    assert new.snapshot["buyer"]["company_name"] == "BAYCORP SAS"
    assert Invoice.objects.filter(
        credited_invoice=invoice, is_full_credit=True
    ).exists()
    event = AuditEvent.objects.get(
        action="invoicing.invoice.corrected", object_id=str(new.pk)
    )
    assert event.actor == cashier
    # The record's own audit names the fields changed, not the reason.
    record = AuditEvent.objects.filter(action="customers.client.updated").latest("pk")
    assert record.data["fields"] == ["company_name"]
    # Nothing issued twice on a second post of the same form.
    as_cashier.post(correct_url(invoice), form_data(member))
    assert Invoice.objects.filter(sale=invoice.sale).count() == 3


def test_an_invalid_record_keeps_the_typing_and_issues_nothing(
    as_cashier, invoice, member
):
    response = as_cashier.post(
        correct_url(invoice), form_data(member, postcode="ABC", reason="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "vérifiez la fiche" in page
    assert 'value="ABC"' in page
    assert Invoice.objects.filter(sale=invoice.sale).count() == 1


def test_a_refused_correction_keeps_the_typing_and_changes_nothing(
    as_cashier, invoice, member
):
    response = as_cashier.post(
        correct_url(invoice), form_data(member, company_name="NOUVEAU NOM", city="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Fiche client incomplète" in page
    assert 'value="NOUVEAU NOM"' in page
    member.refresh_from_db()
    assert member.company_name == "BAYCORP INC"
    assert Invoice.objects.filter(sale=invoice.sale).count() == 1


def test_another_organizations_invoice_is_not_found(other, as_manager, member):
    url = correct_url(other.invoice)
    assert as_manager.get(url).status_code == 404
    assert as_manager.post(url, form_data(member)).status_code == 404
    assert Invoice.objects.filter(sale=other.sale).count() == 1
