"""A credit note corrects the invoice as issued: same frozen buyer and seller."""

from __future__ import annotations

import pytest

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_credit_note
from comptoir.sales.services import refund_sale
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    return Invoice.objects.get(sale=sale)


def _change_parties(member, park):
    member.company_name = "NOUVELLE SOCIETE"
    member.address = "1 rue Neuve"
    member.postcode = "75001"
    member.city = "PARIS"
    member.save()
    park.company_name = "AUTRE EXPLOITANT SAS"
    park.siret = "73282932000074"
    park.save()


def test_a_full_credit_note_goes_to_the_invoices_frozen_buyer(invoice, member, park):
    _change_parties(member, park)
    note = issue_credit_note(invoice=invoice, reason="Annulation")
    assert note.snapshot["buyer"] == invoice.snapshot["buyer"]
    assert note.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    assert note.buyer_name == invoice.buyer_name == "BAYCORP INC"


def test_a_credit_note_keeps_the_invoices_frozen_seller(invoice, member, park):
    _change_parties(member, park)
    note = issue_credit_note(invoice=invoice, reason="Annulation")
    assert note.snapshot["seller"] == invoice.snapshot["seller"]
    assert note.snapshot["seller"]["company_name"] != "AUTRE EXPLOITANT SAS"


def test_a_refund_credit_note_goes_to_the_frozen_buyer_too(
    invoice, member, park, manager
):
    _change_parties(member, park)
    line = invoice.sale.lines.get()
    [note] = refund_sale(
        sale=invoice.sale,
        quantities={line.pk: 1},
        method="card",
        actor=manager,
        reason="Client absent",
    )
    assert note.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    assert note.snapshot["buyer"]["postcode"] == invoice.snapshot["buyer"]["postcode"]
    assert note.buyer_name == "BAYCORP INC"
