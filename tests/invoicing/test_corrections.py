"""Correcting an invoice without a refund: full credit note + new invoice."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import IntegrityError
from lxml import etree
from pypdf import PdfReader

from comptoir.core import audit
from comptoir.core.models import AuditEvent
from comptoir.invoicing.exceptions import IncompleteClientRecord, NotInvoiceable
from comptoir.invoicing.integrity import check_all_series
from comptoir.invoicing.invariants import check_invariants
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.rendering import render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml
from comptoir.invoicing.selectors import invoices_of_client
from comptoir.invoicing.services import corrections
from comptoir.invoicing.services.corrections import correct_invoice
from comptoir.sales.services import refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

NS = {
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
}


def text_of(document: Invoice) -> str:
    reader = PdfReader(io.BytesIO(render_document(document.snapshot)))
    return " ".join(
        " ".join(page.extract_text().replace("\u00a0", " ").split())
        for page in reader.pages
    )


@pytest.fixture
def wrong_invoice(park, member, products):
    """The product note's sale, invoiced to a misspelt company."""
    member.company_name = "BAYCROP INC"
    member.save()
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    return Invoice.objects.get(sale=sale)


def fix_record(client, **fields):
    for name, value in fields.items():
        setattr(client, name, value)
    client.save()


def test_correction_cancels_and_reissues_to_the_corrected_buyer(
    wrong_invoice, member, manager
):
    fix_record(member, company_name="BAYCORP INC", address="12 rue Neuve")
    result = correct_invoice(
        invoice=wrong_invoice, reason="Raison sociale erronée", corrected_by=manager
    )
    note, new = result.credit_note, result.invoice
    assert note.kind == "credit_note" and note.is_full_credit
    assert note.credited_invoice == wrong_invoice
    assert new.kind == "invoice" and new.sale == wrong_invoice.sale
    assert new.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    assert new.snapshot["buyer"]["address"] == "12 rue Neuve"
    assert new.buyer_name == "BAYCORP INC"
    # The wrong invoice itself never changes.
    wrong_invoice.refresh_from_db()
    assert wrong_invoice.snapshot["buyer"]["company_name"] == "BAYCROP INC"
    assert list(Invoice.objects.filter(sale=new.sale).active()) == [new]


def test_both_documents_are_numbered_next_in_their_series(
    wrong_invoice, member, manager, park, products
):
    later = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    later_invoice = Invoice.objects.get(sale=later)
    result = correct_invoice(
        invoice=wrong_invoice, reason="Adresse", corrected_by=manager
    )
    assert result.invoice.sequence == later_invoice.sequence + 1
    assert result.invoice.number.startswith("FA-")
    assert result.invoice.number.endswith(f"-{result.invoice.sequence:06d}")
    assert result.credit_note.sequence == 1
    assert result.credit_note.number.startswith("AV-")
    assert result.invoice.generation == wrong_invoice.generation + 1


def test_amounts_are_the_same_and_the_payment_is_carried_over(wrong_invoice, manager):
    result = correct_invoice(
        invoice=wrong_invoice, reason="Adresse", corrected_by=manager
    )
    note, new = result.credit_note, result.invoice
    for document in (note, new):
        assert document.total_incl == Decimal("50.00")
        assert document.total_excl == Decimal("43.18")
        assert document.total_vat == Decimal("6.82")
    assert [(t.vat_rate, t.base) for t in new.tax_lines.all()] == [
        (t.vat_rate, t.base) for t in wrong_invoice.tax_lines.all()
    ]
    # Nothing refunded, nothing due: the payment moves to the new invoice.
    assert not wrong_invoice.sale.payments.filter(amount__lt=0).exists()
    assert new.snapshot["totals"]["due"] == "0.00"
    assert new.snapshot["payments"] == wrong_invoice.snapshot["payments"]
    assert note.snapshot["totals"]["due"] == "0.00"
    assert note.snapshot["payments"][0]["method"] == "offset"


def test_factur_x_of_both_documents_passes_the_official_rules(
    wrong_invoice, member, manager, facturx_validator
):
    fix_record(member, company_name="BAYCORP INC")
    result = correct_invoice(
        invoice=wrong_invoice, reason="Raison sociale", corrected_by=manager
    )
    note_xml = build_cii_xml(result.credit_note.snapshot)
    new_xml = build_cii_xml(result.invoice.snapshot)
    facturx_validator.assert_valid(note_xml, french=True)
    facturx_validator.assert_valid(new_xml, french=True)
    note_root, new_root = etree.fromstring(note_xml), etree.fromstring(new_xml)
    assert (
        note_root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS)
        == "381"
    )
    # Both point at the wrong invoice (BT-25).
    for root in (note_root, new_root):
        assert (
            root.findtext(
                ".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS
            )
            == wrong_invoice.number
        )
    assert new_root.findtext(".//ram:BuyerTradeParty/ram:Name", namespaces=NS) == (
        "BAYCORP INC"
    )
    # Clearing between partners: no money moved on the credit note.
    assert (
        note_root.findtext(
            ".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", namespaces=NS
        )
        == "97"
    )


def test_pdfs_say_what_was_cancelled_replaced_and_paid(wrong_invoice, manager):
    result = correct_invoice(
        invoice=wrong_invoice, reason="Raison sociale", corrected_by=manager
    )
    note_text = text_of(result.credit_note)
    assert f"Avoir sur la facture {wrong_invoice.number}" in note_text
    assert "Non remboursé" in note_text
    assert "Reporté le" in note_text
    assert "Net à rembourser" not in note_text
    new_text = text_of(result.invoice)
    assert f"remplace la facture {wrong_invoice.number}" in new_text
    assert "Payé le" in new_text
    assert "Motif : Raison sociale" in new_text


def test_member_sees_the_three_documents_in_vos_factures(
    wrong_invoice, member, manager
):
    result = correct_invoice(
        invoice=wrong_invoice, reason="Adresse", corrected_by=manager
    )
    numbers = set(invoices_of_client(member).values_list("number", flat=True))
    assert {
        wrong_invoice.number,
        result.credit_note.number,
        result.invoice.number,
    } <= numbers


def test_audit_trail_says_who_and_why(wrong_invoice, manager):
    result = correct_invoice(
        invoice=wrong_invoice, reason="Raison sociale erronée", corrected_by=manager
    )
    # The invoice's history: the sale's has the same action, and a sale may
    # have the invoice's id.
    event = audit.history(result.invoice).get(action="invoicing.invoice.corrected")
    assert event.actor == manager
    assert event.data["reason"] == "Raison sociale erronée"
    assert event.data["credit_note"] == result.credit_note.number
    assert event.data["invoice"] == wrong_invoice.number


def test_a_corrected_invoice_cannot_be_corrected_twice(wrong_invoice, manager):
    correct_invoice(invoice=wrong_invoice, reason="Adresse", corrected_by=manager)
    with pytest.raises(NotInvoiceable):
        correct_invoice(invoice=wrong_invoice, reason="Encore", corrected_by=manager)
    assert Invoice.objects.filter(sale=wrong_invoice.sale).count() == 3


def test_the_replacement_can_itself_be_corrected(wrong_invoice, manager):
    first = correct_invoice(
        invoice=wrong_invoice, reason="Adresse", corrected_by=manager
    )
    second = correct_invoice(
        invoice=first.invoice, reason="Code postal", corrected_by=manager
    )
    assert second.invoice.generation == 3
    assert second.invoice.total_incl == Decimal("50.00")


def test_incomplete_record_refuses_and_issues_nothing(wrong_invoice, member, manager):
    fix_record(member, city="")
    with pytest.raises(IncompleteClientRecord):
        correct_invoice(invoice=wrong_invoice, reason="Ville", corrected_by=manager)
    assert Invoice.objects.filter(sale=wrong_invoice.sale).count() == 1


def test_a_reason_is_required(wrong_invoice, manager):
    with pytest.raises(NotInvoiceable):
        correct_invoice(invoice=wrong_invoice, reason="  ", corrected_by=manager)


def test_a_failure_mid_way_rolls_back_both_documents(
    wrong_invoice, manager, monkeypatch
):
    def broken(**kwargs):
        raise IntegrityError("crash after the credit note")

    monkeypatch.setattr(corrections, "issue_invoice_document", broken)
    with pytest.raises(IntegrityError):
        correct_invoice(invoice=wrong_invoice, reason="Adresse", corrected_by=manager)
    assert Invoice.objects.filter(sale=wrong_invoice.sale).count() == 1
    assert list(Invoice.objects.filter(sale=wrong_invoice.sale).active()) == [
        wrong_invoice
    ]


def test_after_a_partial_refund_the_new_invoice_covers_what_is_left(
    wrong_invoice, manager
):
    sale = wrong_invoice.sale
    snack = sale.lines.get(product_kind="food_drink")
    refund_sale(
        sale=sale, quantities={snack.pk: 1}, method="card", actor=manager, reason=""
    )
    result = correct_invoice(
        invoice=wrong_invoice, reason="Adresse", corrected_by=manager
    )
    assert result.credit_note.total_incl == Decimal("30.00")
    assert result.invoice.total_incl == Decimal("30.00")
    assert result.invoice.snapshot["totals"]["due"] == "0.00"


def test_the_invariants_still_hold_after_a_correction(wrong_invoice, manager):
    correct_invoice(invoice=wrong_invoice, reason="Adresse", corrected_by=manager)
    assert check_invariants(require_rendered=False) == []
    park_id = wrong_invoice.park_id
    checked = {
        kind: broken
        for park, kind, _count, broken in check_all_series()
        if park == park_id
    }
    assert checked == {"invoice": None, "credit_note": None}


def test_the_record_fix_and_both_documents_are_one_transaction(
    wrong_invoice, member, manager
):
    result = correct_invoice(
        invoice=wrong_invoice,
        reason="Raison sociale",
        corrected_by=manager,
        buyer_changes={"company_name": "BAYCORP INC", "city": "SENS"},
    )
    member.refresh_from_db()
    assert (member.company_name, member.city) == ("BAYCORP INC", "SENS")
    # The credit note cancels the invoice as it was issued, to its buyer.
    assert result.credit_note.snapshot["buyer"]["company_name"] == "BAYCROP INC"
    assert result.invoice.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    assert result.invoice.snapshot["buyer"]["city"] == "SENS"
    event = AuditEvent.objects.get(
        action="customers.client.updated", object_id=str(member.pk)
    )
    assert event.data["fields"] == ["city", "company_name"]
    assert event.actor == manager


def test_a_refused_fix_writes_neither_the_record_nor_a_document(
    wrong_invoice, member, manager
):
    with pytest.raises(IncompleteClientRecord):
        correct_invoice(
            invoice=wrong_invoice,
            reason="Ville",
            corrected_by=manager,
            buyer_changes={"company_name": "BAYCORP INC", "city": ""},
        )
    member.refresh_from_db()
    assert member.company_name == "BAYCROP INC"
    assert member.city == "MOUTIERS EN PUISAYE"
    assert Invoice.objects.filter(sale=wrong_invoice.sale).count() == 1
    assert not AuditEvent.objects.filter(action="customers.client.updated").exists()
