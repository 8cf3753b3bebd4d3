"""The Factur-X CII XML: valid against the XSD, the CEN rules and Factur-X's own.

Every kind of document the product issues is built from a basket with the
project's totals, then checked offline (tests/invoicing/facturx_rules.py).
"""

from __future__ import annotations

import copy
import hashlib
from decimal import Decimal

import pytest
from lxml import etree

from comptoir.invoicing.rendering import render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml
from tests.invoicing.facturx_rules import (
    CACHE_DIR,
    CEN_XSLT,
    FRENCH_XSLT,
    PINNED_SHA256,
    stylesheet_path,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
SELLER = "//ram:SellerTradeParty"
BUYER = "//ram:BuyerTradeParty"
VOUCHER = [("Bon cadeau multi-usages", "1", "150.00", None, "voucher")]


def texts(xml: bytes, path: str) -> list[str]:
    """Text of each match: an element's text, or an attribute or text node."""
    found = etree.fromstring(xml).xpath(path, namespaces=NS)
    return [
        (value.text or "") if isinstance(value, etree._Element) else str(value)
        for value in found
    ]


def text(xml: bytes, path: str) -> str:
    found = texts(xml, path)
    assert len(found) == 1, f"{path}: {found}"
    return found[0]


DOCUMENTS = {
    "single rate": dict(items=[("Entrée 1h", "3", "12.00", "20.00", "services")]),
    "mixed rates": dict(
        items=[
            ("Entrée 1h", "1", "30.00", "20.00", "services"),
            ("Boisson fraîche", "2", "10.00", "10.00", "goods"),
        ]
    ),
    "four rates": dict(
        items=[
            ("Laser game", "4", "17.90", "20.00", "services"),
            ("Menu enfant", "3", "9.90", "10.00", "goods"),
            ("Eau minérale", "5", "1.50", "5.50", "goods"),
            ("Programme du spectacle", "1", "4.00", "2.10", "goods"),
        ]
    ),
    "voucher only": dict(items=VOUCHER),
    "partial credit note": dict(
        items=[("Boisson fraîche", "1", "10.00", "10.00", "goods")],
        kind="credit_note",
        reason="Une boisson non servie.",
    ),
    "full credit note": dict(
        items=[
            ("Entrée 1h", "1", "30.00", "20.00", "services"),
            ("Boisson fraîche", "2", "10.00", "10.00", "goods"),
        ],
        kind="credit_note",
        reason="Annulation de la réservation.",
    ),
    "voucher credit note": dict(items=VOUCHER, kind="credit_note", reason="Bon perdu"),
    "buyer without VAT number": dict(
        items=[("Entrée 1h", "2", "15.00", "20.00", "services")],
        buyer={"vat_number": ""},
    ),
    "individual buyer": dict(
        items=[("Entrée 1h", "2", "15.00", "20.00", "services")],
        buyer={
            "company_name": "",
            "contact_name": "Léa Martin",
            "vat_number": "",
            "siret": "",
            "siren": "",
            "registration": "",
            "accounting_code": "",
            "professional": False,
            "email": "",
        },
    ),
    "VAT on debits": dict(
        items=[("Séminaire", "1", "1200.00", "20.00", "services")],
        seller={"vat_on_debits": True},
    ),
    "not yet paid": dict(
        items=[("Privatisation", "1", "480.00", "20.00", "services")], paid="100.00"
    ),
    "sixty lines": dict(
        items=[
            (f"Article {n}", str(1 + n % 4), f"{3 + n}.{n:02d}", "20.00", "goods")
            for n in range(60)
        ]
    ),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_kind_of_document_passes_xsd_cen_and_factur_x_rules(
    name, make_snapshot, facturx_validator
):
    snapshot = make_snapshot(**DOCUMENTS[name])
    # The 2026 reform's rules (BR-FR) apply to business buyers only.
    business = snapshot["buyer"]["professional"]
    report = facturx_validator.assert_valid(build_cii_xml(snapshot), french=business)
    assert report.fired_rules["cen"] > 20
    assert report.fired_rules["facturx"] > 20
    assert report.fired_rules.get("fr", 0) > 20 or not business


def test_french_rules_do_not_fit_sales_to_individuals(make_snapshot, facturx_validator):
    # Individuals are e-reported, not e-invoiced: no B2B notes, no e-address.
    snapshot = make_snapshot(**DOCUMENTS["individual buyer"])
    xml = build_cii_xml(snapshot)
    assert facturx_validator.check(xml).ok
    french = facturx_validator.check(xml, french=True)
    assert {"BR-FR-05_BT-22_PMT", "BR-FR-12_BT-49"} <= french.error_ids()


MIXED = [
    ("Entrée 1h", "1", "30.00", "20.00", "services"),
    ("Boisson", "1", "3.00", "10.00", "goods"),
]


@pytest.mark.parametrize(
    ("items", "paid", "expected"),
    [
        ([("Entrée 1h", "1", "30.00", "20.00", "services")], None, "S2"),
        ([("T-shirt", "1", "20.00", "20.00", "goods")], None, "B2"),
        ([("T-shirt", "1", "20.00", "20.00", "goods")], "0.00", "B1"),
        (MIXED, None, "M2"),
        (MIXED, "10.00", "M1"),
        (VOUCHER, None, "S2"),
    ],
)
def test_invoicing_framework_bt_23_says_what_and_whether_paid(
    make_snapshot, items, paid, expected
):
    xml = build_cii_xml(make_snapshot(items, paid=paid))
    process = "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID/text()"
    assert text(xml, process) == expected


def test_paid_document_is_due_the_day_it_was_paid(make_snapshot):
    due = "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    paid = build_cii_xml(make_snapshot(DOCUMENTS["single rate"]["items"]))
    assert text(paid, f"{due}/text()") == "20240205"  # the card payment's day
    unpaid = build_cii_xml(make_snapshot(DOCUMENTS["single rate"]["items"], paid="0"))
    assert texts(unpaid, due) == []


def test_electronic_addresses_are_sirens_in_the_french_directory(make_snapshot):
    xml = build_cii_xml(make_snapshot(DOCUMENTS["single rate"]["items"]))
    address = "ram:URIUniversalCommunication/ram:URIID"
    assert text(xml, f"{SELLER}/{address}/text()") == "123456789"
    assert text(xml, f"{SELLER}/{address}/@schemeID") == "0225"
    assert text(xml, f"{BUYER}/{address}/text()") == "987654321"
    assert text(xml, f"{BUYER}/{address}/@schemeID") == "0225"
    # Without a SIREN, the buyer's email is its electronic address.
    anonymous = build_cii_xml(
        make_snapshot(
            DOCUMENTS["single rate"]["items"], buyer={"siren": "", "siret": ""}
        )
    )
    assert text(anonymous, f"{BUYER}/{address}/text()") == "eric@baycorp.example"
    assert text(anonymous, f"{BUYER}/{address}/@schemeID") == "EM"


def test_the_product_notes_sale_totals_43_18_excl_and_50_00_incl(invoice_snapshot):
    xml = build_cii_xml(invoice_snapshot)
    assert text(xml, f"{TOTALS}/ram:TaxBasisTotalAmount/text()") == "43.18"
    assert text(xml, f"{TOTALS}/ram:TaxTotalAmount/text()") == "6.82"
    assert text(xml, f"{TOTALS}/ram:GrandTotalAmount/text()") == "50.00"
    assert text(xml, f"{TOTALS}/ram:TaxTotalAmount/@currencyID") == "EUR"
    assert text(xml, f"{TOTALS}/ram:DuePayableAmount/text()") == "0.00"
    rates = texts(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent")
    bases = texts(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount")
    assert list(zip(rates, bases, strict=True)) == [("20", "25.00"), ("10", "18.18")]


def test_profile_type_code_and_dates(invoice_snapshot):
    xml = build_cii_xml(invoice_snapshot)
    assert (
        text(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()")
        == "urn:cen.eu:en16931:2017"
    )
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == "380"
    assert text(xml, "//rsm:ExchangedDocument/ram:ID/text()") == "FA-KD-20240305-000010"
    assert text(xml, "//ram:IssueDateTime/udt:DateTimeString/text()") == "20240305"
    assert text(xml, "//ram:IssueDateTime/udt:DateTimeString/@format") == "102"
    assert texts(xml, "//ram:InvoiceReferencedDocument") == []


def test_sale_date_is_the_actual_delivery_date(invoice_snapshot):
    xml = build_cii_xml(invoice_snapshot)
    assert (
        text(xml, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString/text()")
        == "20240205"
    )


def test_credit_note_is_381_and_references_the_cancelled_invoice(
    credit_note_snapshot,
):
    xml = build_cii_xml(credit_note_snapshot)
    assert text(xml, "//rsm:ExchangedDocument/ram:TypeCode/text()") == "381"
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert text(xml, f"{reference}/ram:IssuerAssignedID/text()") == (
        "FA-KD-20240305-000010"
    )
    assert (
        text(xml, f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString/text()")
        == "20240305"
    )
    # Amounts stay positive: the type code says the direction.
    assert text(xml, f"{TOTALS}/ram:GrandTotalAmount/text()") == "20.00"
    reason = text(xml, "//ram:IncludedNote[ram:SubjectCode='ACD']/ram:Content/text()")
    assert "Avoir sur la facture FA-KD-20240305-000010 du 05/03/2024" in reason
    assert "Boissons non servies" in reason


def test_seller_and_buyer_carry_siren_0002_and_vat_number_va(invoice_snapshot):
    xml = build_cii_xml(invoice_snapshot)
    legal = "ram:SpecifiedLegalOrganization/ram:ID"
    vat = "ram:SpecifiedTaxRegistration/ram:ID"
    assert text(xml, f"{SELLER}/{legal}/text()") == "123456789"
    assert text(xml, f"{SELLER}/{legal}/@schemeID") == "0002"
    assert text(xml, f"{SELLER}/{vat}/text()") == "FR32123456789"
    assert text(xml, f"{SELLER}/{vat}/@schemeID") == "VA"
    assert text(xml, f"{BUYER}/{legal}/text()") == "987654321"
    assert text(xml, f"{BUYER}/{legal}/@schemeID") == "0002"
    assert text(xml, f"{BUYER}/{vat}/text()") == "FR40987654321"
    assert text(xml, f"{BUYER}/ram:ID/text()") == "491123456"  # accounting code
    assert text(xml, f"{BUYER}/ram:DefinedTradeContact/ram:PersonName/text()") == (
        "ERIC BAY"
    )


def test_buyer_siren_is_taken_from_the_siret_when_only_that_is_known(make_snapshot):
    snapshot = make_snapshot(
        [("Entrée 1h", "1", "30.00", "20.00")],
        buyer={"siren": "", "siret": "98765432100017"},
    )
    xml = build_cii_xml(snapshot)
    assert text(xml, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID/text()") == (
        "987654321"
    )


def test_buyer_without_vat_number_has_no_tax_registration(make_snapshot):
    snapshot = make_snapshot(
        [("Entrée 1h", "1", "30.00", "20.00")], buyer={"vat_number": ""}
    )
    xml = build_cii_xml(snapshot)
    assert texts(xml, f"{BUYER}/ram:SpecifiedTaxRegistration") == []
    assert text(xml, f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID/text()")


def test_voucher_document_is_outside_the_scope_of_vat(make_snapshot):
    xml = build_cii_xml(make_snapshot(VOUCHER))
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert text(xml, f"{tax}/ram:CategoryCode/text()") == "O"
    assert text(xml, f"{tax}/ram:ExemptionReasonCode/text()") == "VATEX-EU-O"
    assert "256 ter" in text(xml, f"{tax}/ram:ExemptionReason/text()")
    assert text(xml, f"{tax}/ram:CalculatedAmount/text()") == "0.00"
    assert text(xml, f"{tax}/ram:BasisAmount/text()") == "150.00"
    assert texts(xml, "//ram:RateApplicablePercent") == []
    assert text(xml, "//ram:SpecifiedLineTradeSettlement//ram:CategoryCode/text()") == (
        "O"
    )
    # BR-O-02: no seller or buyer VAT identifier beside category O...
    assert texts(xml, "//ram:SpecifiedTaxRegistration") == []
    # ...so the seller is identified by its SIREN (BR-CO-26).
    assert text(xml, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID/text()")
    assert text(xml, f"{TOTALS}/ram:TaxBasisTotalAmount/text()") == "150.00"
    assert text(xml, f"{TOTALS}/ram:GrandTotalAmount/text()") == "150.00"


def test_legal_mentions_are_notes_with_subject_codes(invoice_snapshot):
    xml = build_cii_xml(invoice_snapshot)

    def note(code: str) -> str:
        return text(xml, f"//ram:IncludedNote[ram:SubjectCode='{code}']/ram:Content")

    assert note("PMT") == (
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
        "paiement : 40 €"
    )
    assert "pénalités" in note("PMD")
    assert "Escompte" in note("AAB")
    assert "capital de 10 000 €" in note("REG")
    assert note("AAI") == (
        "Nature de l'opération : Livraison de biens et prestations de services"
    )
    assert text(xml, "//ram:SpecifiedTradePaymentTerms/ram:Description/text()") == (
        "Paiement comptant à la commande, en ligne ou au comptoir."
    )


def test_vat_on_debits_sets_the_tax_point_code_and_a_note(make_snapshot):
    items = [("Séminaire", "1", "1200.00", "20.00")]
    on_debits = build_cii_xml(make_snapshot(items, seller={"vat_on_debits": True}))
    assert text(on_debits, "//ram:DueDateTypeCode/text()") == "5"
    assert text(
        on_debits, "//ram:IncludedNote[ram:SubjectCode='TXD']/ram:Content/text()"
    ) == ("Option pour le paiement de la TVA d'après les débits")
    default = build_cii_xml(make_snapshot(items))
    assert texts(default, "//ram:DueDateTypeCode") == []
    assert texts(default, "//ram:IncludedNote[ram:SubjectCode='TXD']") == []


def test_payment_means_is_how_the_document_was_paid(
    invoice_snapshot, facturx_validator
):
    means = "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()"
    snapshot = copy.deepcopy(invoice_snapshot)
    card = snapshot["payments"][0]
    snapshot["payments"] = [
        {**card, "method": "online_card", "amount": "30.00"},
        {**card, "method": "card", "amount": "20.00"},
    ]
    assert texts(build_cii_xml(snapshot), means) == ["48"]
    # Card and cash: CII-SR-467 allows a single code, so none is given.
    snapshot["payments"][1]["method"] = "cash"
    xml = build_cii_xml(snapshot)
    assert texts(xml, means) == []
    assert text(xml, f"{TOTALS}/ram:TotalPrepaidAmount/text()") == "50.00"
    facturx_validator.assert_valid(xml, french=True)


def test_extra_snapshot_notes_are_kept_once(make_snapshot):
    snapshot = make_snapshot(
        [("Entrée 1h", "1", "30.00", "20.00")],
        notes=[
            "Bon de commande n° 4512",
            # Same wording as a mention the renderer adds itself: not twice.
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
            "paiement : 40 €",
        ],
    )
    xml = build_cii_xml(snapshot)
    contents = texts(xml, "//ram:IncludedNote/ram:Content/text()")
    assert "Bon de commande n° 4512" in contents
    assert sum("40 €" in content for content in contents) == 1


def test_taxable_and_voucher_lines_in_one_document_are_refused(make_snapshot):
    snapshot = make_snapshot(
        [("Entrée 1h", "1", "30.00", "20.00"), *VOUCHER],
    )
    with pytest.raises(ValueError, match=r"cannot mix taxable \(S\) and"):
        build_cii_xml(snapshot)
    with pytest.raises(ValueError, match="BR-O-11"):
        render_document(snapshot)


def test_amounts_that_do_not_add_up_are_refused(invoice_snapshot):
    broken = copy.deepcopy(invoice_snapshot)
    broken["vat_breakdown"][0]["base"] = "25.01"
    with pytest.raises(ValueError, match="VAT base"):
        build_cii_xml(broken)
    unpaid = copy.deepcopy(invoice_snapshot)
    unpaid["totals"]["due"] = "10.00"
    with pytest.raises(ValueError, match="due"):
        build_cii_xml(unpaid)


def test_taxable_document_without_seller_vat_number_is_refused(make_snapshot):
    snapshot = make_snapshot(
        [("Entrée 1h", "1", "30.00", "20.00")], seller={"vat_number": ""}
    )
    with pytest.raises(ValueError, match="BR-S-02"):
        build_cii_xml(snapshot)
    # Outside the scope of VAT the seller's VAT number is not needed.
    assert build_cii_xml(make_snapshot(VOUCHER, seller={"vat_number": ""}))


def test_credit_note_must_name_the_invoice_it_cancels(credit_note_snapshot):
    orphan = copy.deepcopy(credit_note_snapshot)
    orphan["document"]["cancels"] = None
    with pytest.raises(ValueError, match="cancels"):
        build_cii_xml(orphan)


def test_non_euro_documents_are_refused(invoice_snapshot):
    dollars = copy.deepcopy(invoice_snapshot)
    dollars["document"]["currency"] = "USD"
    with pytest.raises(ValueError, match="EUR"):
        build_cii_xml(dollars)


# -- the validator itself: it must be able to fail ---------------------------


def test_validator_reports_a_grand_total_that_does_not_add_up(
    invoice_snapshot, facturx_validator
):
    xml = build_cii_xml(invoice_snapshot).replace(
        b"<ram:GrandTotalAmount>50.00<", b"<ram:GrandTotalAmount>51.00<"
    )
    report = facturx_validator.check(xml)
    assert "BR-CO-15" in report.error_ids()
    with pytest.raises(AssertionError, match="BR-CO-15"):
        facturx_validator.assert_valid(xml)


def test_validator_reports_an_outside_scope_document_with_a_vat_number(
    make_snapshot, facturx_validator
):
    xml = build_cii_xml(make_snapshot(VOUCHER))
    tree = etree.fromstring(xml)
    seller = tree.xpath(SELLER, namespaces=NS)[0]
    registration = etree.SubElement(seller, f"{{{NS['ram']}}}SpecifiedTaxRegistration")
    identifier = etree.SubElement(registration, f"{{{NS['ram']}}}ID", schemeID="VA")
    identifier.text = "FR32123456789"
    report = facturx_validator.check(etree.tostring(tree))
    assert "BR-O-02" in report.error_ids()


def test_validator_reports_schema_errors(invoice_snapshot, facturx_validator):
    xml = build_cii_xml(invoice_snapshot).replace(
        b"<ram:TypeCode>380</ram:TypeCode>", b""
    )
    report = facturx_validator.check(xml)
    assert any(finding.source == "xsd" for finding in report.errors)


def test_validator_notices_when_no_rule_fires(facturx_validator):
    # Right shape, wrong namespace: the rules would silently match nothing.
    xml = (
        b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:example:not-cii">'
        b"<rsm:ExchangedDocument/></rsm:CrossIndustryInvoice>"
    )
    report = facturx_validator.check(xml)
    assert report.fired_rules["cen"] == 0
    with pytest.raises(AssertionError, match="no cen rule fired"):
        facturx_validator.assert_valid(xml)


@pytest.mark.parametrize("name", [CEN_XSLT, FRENCH_XSLT])
def test_rules_come_from_the_pinned_wheel_in_the_cache(name):
    path = stylesheet_path(name)
    assert path.parent == CACHE_DIR
    assert path.read_bytes().startswith(b"<?xml")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PINNED_SHA256[name]


def test_decimal_places_in_the_xml(make_snapshot):
    # 3 × 9.99 at 5.5 %: the unit price excl. VAT needs four decimals.
    xml = build_cii_xml(make_snapshot([("Eau", "3", "9.99", "5.50", "goods")]))
    price = text(xml, "//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()")
    assert Decimal(price) * 3 == pytest.approx(Decimal("28.41"), abs=Decimal("0.01"))
    assert text(xml, "//ram:BilledQuantity/text()") == "3"
    assert text(xml, "//ram:BilledQuantity/@unitCode") == "C62"
    assert text(xml, "//ram:SpecifiedLineTradeSettlement//ram:LineTotalAmount/text()")
