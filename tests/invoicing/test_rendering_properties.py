"""Any basket the shop can sell gives a Factur-X that EN 16931 accepts.

Random baskets (quantities, prices incl. VAT, rates 20/10/5.5/2.1 %, or
multi-purpose vouchers alone), random buyers and payments, invoices and
credit notes: amounts come from compute_totals, the XML must pass the XSD,
the CEN rules and the Factur-X rules, and the PDF must carry that XML.
"""

from __future__ import annotations

import io
from decimal import Decimal

import facturx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from comptoir.invoicing.rendering import render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml

RATES = ["20.00", "10.00", "5.50", "2.10"]
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

prices = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("2500.00"), places=2
).map(str)
quantities = st.integers(min_value=1, max_value=40).map(str)
descriptions = st.text(
    alphabet=st.characters(
        codec="latin-1", categories=("L", "N", "P", "Zs"), exclude_characters="\x00"
    ),
    min_size=1,
    max_size=60,
).filter(str.strip)

taxable_line = st.tuples(
    descriptions, quantities, prices, st.sampled_from(RATES), st.just("services")
)
voucher_line = st.tuples(
    descriptions, st.integers(1, 5).map(str), prices, st.none(), st.just("voucher")
)
baskets = st.one_of(
    st.lists(taxable_line, min_size=1, max_size=12),
    st.lists(voucher_line, min_size=1, max_size=4),
)
buyers = st.fixed_dictionaries(
    {
        "vat_number": st.sampled_from(["", "FR40987654321"]),
        "siret": st.sampled_from(["", "98765432100017"]),
        "siren": st.sampled_from(["", "987654321"]),
        "professional": st.booleans(),
        "accounting_code": st.sampled_from(["", "411BAY"]),
        "contact_name": st.sampled_from(["", "ERIC BAY"]),
    }
)


@st.composite
def documents(draw):
    items = draw(baskets)
    kind = draw(st.sampled_from(["invoice", "credit_note"]))
    paid_share = draw(st.sampled_from([None, "0", "half"]))
    return {
        "items": items,
        "kind": kind,
        "buyer": draw(buyers),
        "seller": {"vat_on_debits": draw(st.booleans())},
        "paid_share": paid_share,
        "reason": draw(st.sampled_from(["", "Annulation", "Erreur de tarif"])),
    }


def build(make_snapshot, spec):
    snapshot = make_snapshot(
        spec["items"],
        kind=spec["kind"],
        buyer=spec["buyer"],
        seller=spec["seller"],
        reason=spec["reason"],
    )
    incl = Decimal(snapshot["totals"]["incl"])
    if spec["paid_share"] is not None:
        paid = (
            Decimal(0)
            if spec["paid_share"] == "0"
            else (incl / 2).quantize(Decimal("0.01"))
        )
        snapshot = make_snapshot(
            spec["items"],
            kind=spec["kind"],
            buyer=spec["buyer"],
            seller=spec["seller"],
            reason=spec["reason"],
            paid=paid,
        )
    return snapshot


@PROPERTY_SETTINGS
@given(spec=documents())
def test_any_basket_gives_xml_that_passes_xsd_and_en16931_rules(
    spec, make_snapshot, facturx_validator
):
    snapshot = build(make_snapshot, spec)
    xml = build_cii_xml(snapshot)
    # The 2026 reform's rules apply to business buyers only.
    facturx_validator.assert_valid(xml, french=spec["buyer"]["professional"])
    assert f"<ram:GrandTotalAmount>{snapshot['totals']['incl']}<".encode() in xml


@settings(max_examples=10, deadline=None)
@given(spec=documents())
def test_any_basket_renders_a_pdf_carrying_that_xml(spec, make_snapshot):
    snapshot = build(make_snapshot, spec)
    pdf = render_document(snapshot)
    _, embedded = facturx.get_facturx_xml_from_pdf(pdf, check_xsd=False)
    assert embedded == build_cii_xml(snapshot)
    # The totals may sit on any page; the mentions can flow past them.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.replace("\u00a0", " ").split())
    total = snapshot["totals"]["incl"].replace(".", ",")
    assert f"TotalTTC{total}€" in compact
