"""What an accountant or a tax auditor reads on issued documents (issue 12 §1).

Consistent unit prices, the nature of the operation, the date of the
service, credit notes that owe nothing, and a prominent figure that says
what was paid — checked in the PDF text and in the Factur-X XML of
documents issued through the real services.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.rendering import render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml
from comptoir.sales.services import Item, refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

NS = {
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def pdf_text(document: Invoice) -> str:
    reader = PdfReader(io.BytesIO(render_document(document.snapshot)))
    return " ".join(
        " ".join(page.extract_text().replace("\u00a0", " ").split())
        for page in reader.pages
    )


def xml_of(document: Invoice) -> etree._Element:
    return etree.fromstring(build_cii_xml(document.snapshot))


def notes_of(root: etree._Element) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for note in root.iterfind(".//rsm:ExchangedDocument/ram:IncludedNote", NS):
        code = note.findtext("ram:SubjectCode", namespaces=NS)
        notes.setdefault(code, []).append(note.findtext("ram:Content", namespaces=NS))
    return notes


def invoice_of(park, client, items) -> Invoice:
    sale = factories.paid_online_sale(park, client, items)
    return Invoice.objects.get(sale=sale, kind="invoice")


def test_one_product_at_one_price_shows_the_same_unit_price_on_every_invoice(
    park, member, products, facturx_validator
):
    # 26.00 € at 20 %: 21.6667 € excl. VAT. Derived from rounded line
    # amounts it used to read 21.67, 21.665, 21.6667, 21.6671…
    ticket = products["ticket"]
    ticket.price_incl = Decimal("26.00")
    ticket.save()
    invoices = [
        invoice_of(park, member, [Item(ticket, quantity)]) for quantity in (1, 2, 3, 7)
    ]
    for invoice in invoices:
        [line] = invoice.snapshot["lines"]
        assert line["unit_price_excl"] == "21.6667"
        root = xml_of(invoice)
        assert (
            root.findtext(
                ".//ram:NetPriceProductTradePrice/ram:ChargeAmount", namespaces=NS
            )
            == "21.6667"
        )
        assert "21,67 €" in pdf_text(invoice)
        facturx_validator.assert_valid(build_cii_xml(invoice.snapshot), french=True)
    # The amounts still come from the prices incl. VAT, to the cent.
    assert [i.total_excl for i in invoices] == [
        Decimal("21.67"),
        Decimal("43.33"),
        Decimal("65.00"),
        Decimal("151.67"),
    ]
    assert [i.total_incl for i in invoices] == [
        Decimal("26.00"),
        Decimal("52.00"),
        Decimal("78.00"),
        Decimal("182.00"),
    ]


def test_lines_still_add_up_to_the_rate_totals_with_four_decimal_unit_prices(
    park, member, products
):
    products["socks"].price_incl = Decimal("9.99")
    products["socks"].save()
    invoice = invoice_of(
        park,
        member,
        factories.basket(products, ("socks", 3), ("ticket", 1), ("snack", 2)),
    )
    snapshot = invoice.snapshot
    by_rate: dict[str, Decimal] = {}
    for line in snapshot["lines"]:
        by_rate[line["vat_rate"]] = by_rate.get(line["vat_rate"], 0) + Decimal(
            line["total_excl"]
        )
    for row in snapshot["vat_breakdown"]:
        assert by_rate[row["vat_rate"]] == Decimal(row["base"])
    socks = next(ln for ln in snapshot["lines"] if ln["description"] == "Chaussettes")
    assert socks["unit_price_excl"] == "8.325"
    assert invoice.total_incl == Decimal("99.97")


def test_booking_prints_the_visit_date_and_gives_it_as_the_delivery_date(
    park, member, products, facturx_validator
):
    # Late in the evening in Paris: the UTC date is the day before's… or not.
    visit = dt.datetime(2027, 6, 12, 23, 30, tzinfo=PARIS)
    invoice = invoice_of(
        park, member, [Item(products["laser"], 2, booking_start=visit)]
    )
    assert invoice.snapshot["lines"][0]["service_date"] == "2027-06-12"
    assert invoice.sale_date != dt.date(2027, 6, 12)
    text = pdf_text(invoice)
    assert "DATE DE LA PRESTATION" in text
    assert "12/06/2027" in text
    root = xml_of(invoice)
    delivered = root.findtext(
        ".//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/"
        "udt:DateTimeString",
        namespaces=NS,
    )
    assert delivered == "20270612"
    facturx_validator.assert_valid(build_cii_xml(invoice.snapshot), french=True)


def test_without_a_booking_the_delivery_date_is_the_sale_date(park, member, products):
    invoice = invoice_of(park, member, factories.basket(products, ("ticket", 1)))
    assert "DATE DE LA PRESTATION" not in pdf_text(invoice)
    delivered = xml_of(invoice).findtext(
        ".//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/"
        "udt:DateTimeString",
        namespaces=NS,
    )
    assert delivered == invoice.sale_date.strftime("%Y%m%d")


def test_bookings_on_two_days_span_a_billing_period(park, member, products):
    first = dt.datetime(2027, 6, 12, 10, 0, tzinfo=PARIS)
    second = dt.datetime(2027, 6, 14, 10, 0, tzinfo=PARIS)
    invoice = invoice_of(
        park,
        member,
        [
            Item(products["laser"], 1, booking_start=first),
            Item(products["laser"], 1, booking_start=second),
        ],
    )
    assert "12/06/2027, 14/06/2027" in pdf_text(invoice)
    root = xml_of(invoice)
    period = root.find(".//ram:BillingSpecifiedPeriod", NS)
    assert period.findtext("ram:StartDateTime/udt:DateTimeString", namespaces=NS) == (
        "20270612"
    )
    assert period.findtext("ram:EndDateTime/udt:DateTimeString", namespaces=NS) == (
        "20270614"
    )


def test_voucher_only_invoice_states_the_nature_of_the_operation(
    park, member, products, facturx_validator
):
    invoice = invoice_of(park, member, factories.basket(products, ("voucher", 1)))
    assert "Nature de l'opération : Prestations de services" in pdf_text(invoice)
    notes = notes_of(xml_of(invoice))
    assert any("Nature de l'opération" in text for text in notes["AAI"])
    facturx_validator.assert_valid(build_cii_xml(invoice.snapshot), french=True)


def test_paid_invoice_shows_when_and_how_it_was_paid_not_a_zero_to_pay(
    park, member, products
):
    invoice = invoice_of(park, member, factories.basket(products, ("ticket", 1)))
    text = pdf_text(invoice)
    paid_on = invoice.sale_date.strftime("%d/%m/%Y")
    assert f"Payé le {paid_on} par Carte bancaire en ligne 30,00 €" in text
    assert "Net à payer" not in text
    summary = text.split("Total TTC")[1].split("RÈGLEMENTS")[0]
    assert not re.search(r"(?:^|\s)0,00 €", summary), summary


def test_credit_note_owes_nothing_and_says_what_it_cancels_and_how_refunded(
    park, member, products, manager, facturx_validator
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    [note] = refund_sale(
        sale=sale, quantities=None, method="card", actor=manager, reason="Annulation"
    )
    text = pdf_text(note)
    assert f"Avoir sur la facture {invoice.number}" in text
    refunded_on = note.issue_date.strftime("%d/%m/%Y")
    assert f"Remboursé le {refunded_on} par Carte bancaire 50,00 €" in text
    assert "Conditions de paiement" not in text
    assert "pénalités" not in text
    assert "40 €" not in text
    assert "Net à rembourser" not in text
    root = xml_of(note)
    notes = notes_of(root)
    assert f"Remboursé le {refunded_on} par Carte bancaire" in notes["ACD"][0]
    # The French rules want these notes; on a credit note they say none apply.
    assert "aucune somme due" in notes["PMD"][0]
    assert "Paiement" not in root.findtext(
        ".//ram:SpecifiedTradePaymentTerms/ram:Description", namespaces=NS
    )
    facturx_validator.assert_valid(build_cii_xml(note.snapshot), french=True)


def test_credit_note_of_a_booking_keeps_the_visit_date(park, member, products, manager):
    visit = dt.datetime(2027, 6, 12, 15, 0, tzinfo=PARIS)
    sale = factories.paid_online_sale(
        park, member, [Item(products["laser"], 1, booking_start=visit)]
    )
    [note] = refund_sale(
        sale=sale, quantities=None, method="card", actor=manager, reason=""
    )
    assert note.snapshot["lines"][0]["service_date"] == "2027-06-12"
    assert "12/06/2027" in pdf_text(note)
