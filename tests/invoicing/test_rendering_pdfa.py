"""The rendered file is a Factur-X: PDF/A-3B with the CII XML as factur-x.xml.

No PDF/A validator (veraPDF) can run here, so the PDF/A rules that a
generator usually gets wrong are checked one by one with pikepdf.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import facturx
import pikepdf
import pytest
from lxml import etree
from PIL import Image

from comptoir.invoicing.rendering import render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml

XMP_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
XMP_FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"


def logo_png() -> bytes:
    image = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    image.paste((29, 53, 87, 255), (10, 10, 110, 50))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def logo_cmyk_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (80, 40), (200, 40, 0, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def documents(make_snapshot) -> dict[str, tuple[dict[str, Any], bytes]]:
    """Each kind once, rendered (some with a logo); shared by the checks below."""
    lines = [(f"Article {n}", "1", "4.50", "10.00", "goods") for n in range(60)]
    snapshots = {
        "invoice": (
            make_snapshot(
                [
                    ("Entrée 1h", "1", "30.00", "20.00", "services"),
                    ("Boisson fraîche", "2", "10.00", "10.00", "goods"),
                ]
            ),
            logo_png(),
        ),
        "credit note": (
            make_snapshot(
                [("Boisson fraîche", "2", "10.00", "10.00", "goods")],
                kind="credit_note",
                reason="Boissons non servies.",
            ),
            logo_cmyk_jpeg(),
        ),
        "voucher": (
            make_snapshot([("Bon cadeau", "1", "150.00", None, "voucher")]),
            None,
        ),
        "sixty lines": (make_snapshot(lines), logo_png()),
    }
    return {
        name: (snapshot, render_document(snapshot, logo=logo))
        for name, (snapshot, logo) in snapshots.items()
    }


def each(documents) -> Iterator[tuple[str, pikepdf.Pdf]]:
    for name, (_, data) in documents.items():
        yield name, pikepdf.open(io.BytesIO(data))


def fonts_of(resources: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    """Every font reachable from a resource dictionary, forms included."""
    yield from (resources.get("/Font") or {}).values()
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            yield from fonts_of(xobject.Resources)


def test_every_font_is_an_embedded_truetype_program(documents):
    for name, pdf in each(documents):
        seen = 0
        for page in pdf.pages:
            for font in fonts_of(page.Resources):
                seen += 1
                base = str(font.get("/BaseFont"))
                assert "Helvetica" not in base, f"{name}: unembedded {base}"
                if font.Subtype == "/Type0":
                    font = font.DescendantFonts[0]
                assert "/FontDescriptor" in font, f"{name}: {base} has no descriptor"
                descriptor = font.FontDescriptor
                assert "/FontFile2" in descriptor, f"{name}: {base} is not embedded"
                assert len(descriptor.FontFile2.read_bytes()) > 1000
        assert seen >= 2, f"{name}: regular and bold faces expected"


def test_no_standard_font_is_named_anywhere_in_the_file(documents):
    for _, (_, data) in documents.items():
        for standard in (b"/Helvetica", b"/Times-Roman", b"/Courier"):
            assert standard not in data


def test_factur_x_xml_is_embedded_and_associated_with_the_document(documents):
    for name, pdf in each(documents):
        names = pdf.Root.Names.EmbeddedFiles.Names
        assert str(names[0]) == "factur-x.xml", name
        filespec = names[1]
        assert filespec.F == "factur-x.xml" and filespec.UF == "factur-x.xml"
        assert filespec.AFRelationship in (
            pikepdf.Name.Alternative,
            pikepdf.Name.Data,
        )
        # /AF must point at the very same file specification (PDF/A-3 6.8).
        assert [spec.objgen for spec in pdf.Root.AF] == [filespec.objgen]
        embedded = filespec.EF.F
        assert embedded.Subtype == "/text/xml"
        assert "/ModDate" in embedded.Params
        assert int(embedded.Params.Size) == len(embedded.read_bytes())


def test_embedded_xml_is_the_documents_cii_and_factur_x_reads_it(documents):
    for name, (snapshot, data) in documents.items():
        filename, xml = facturx.get_facturx_xml_from_pdf(data, check_xsd=True)
        assert filename == "factur-x.xml", name
        assert xml == build_cii_xml(snapshot), name
        assert facturx.get_level(etree.fromstring(xml)) == "en16931"


def test_output_intent_is_srgb_for_pdfa(documents):
    for name, pdf in each(documents):
        [intent] = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1, name
        assert str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 3
        icc = profile.read_bytes()
        assert icc[36:40] == b"acsp"  # an ICC profile
        assert icc[12:16] == b"mntr" and icc[16:20] == b"RGB "
        assert icc[8] <= 4  # PDF/A-2/3 accept ICC versions up to 4


def test_xmp_identifies_pdfa_3b_and_the_factur_x_extension(documents):
    for name, pdf in each(documents):
        assert "/Filter" not in pdf.Root.Metadata, name
        with pdf.open_metadata() as xmp:
            assert xmp.pdfa_status == "3B", name
            assert xmp[f"{{{XMP_PDFAID}}}part"] == "3"
            assert xmp[f"{{{XMP_PDFAID}}}conformance"] == "B"
            assert xmp[f"{{{XMP_FX}}}DocumentFileName"] == "factur-x.xml"
            assert xmp[f"{{{XMP_FX}}}DocumentType"] == "INVOICE"
            assert xmp[f"{{{XMP_FX}}}ConformanceLevel"] == "EN 16931"
            assert xmp[f"{{{XMP_FX}}}Version"] == "1.0"
        xmp_text = pdf.Root.Metadata.read_bytes()
        assert b"Factur-X PDFA Extension Schema" in xmp_text
        assert b"bytes=" not in xmp_text.split(b"?>")[0]


def test_every_xmp_description_says_what_it_is_about(documents):
    # PDF/A requires rdf:about on each rdf:Description; the file is written
    # as it is built, nothing repairs the packet on the way.
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    for name, pdf in each(documents):
        packet = etree.fromstring(pdf.Root.Metadata.read_bytes())
        descriptions = list(packet.iter(f"{rdf}Description"))
        assert descriptions, name
        for description in descriptions:
            assert description.get(f"{rdf}about") == "", name


def test_document_information_matches_the_xmp(documents):
    for name, pdf in each(documents):
        info = pdf.trailer.Info
        assert set(info.keys()) <= {
            "/Title",
            "/Author",
            "/Subject",
            "/Creator",
            "/Producer",
            "/CreationDate",
            "/ModDate",
        }, name
        xmp = pdf.open_metadata()
        assert str(info.Title) == xmp["dc:title"]
        assert [str(info.Author)] == xmp["dc:creator"]
        assert str(info.Subject) == xmp["dc:description"]
        assert str(info.Creator) == xmp["xmp:CreatorTool"]
        assert str(info.Producer) == xmp["pdf:Producer"]
        for key, xmp_key in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", None)):
            stamp = str(info[key])  # D:YYYYMMDDHHmmSS+00'00'
            iso = xmp[xmp_key or "xmp:ModifyDate"]
            assert stamp[2:16] == iso[:19].replace("-", "").replace(":", "").replace(
                "T", ""
            )
        assert "Facture" in str(info.Title) or "Avoir" in str(info.Title)


def test_file_is_one_clean_revision_with_an_id(documents):
    for name, (_, data) in documents.items():
        # factur-x's generate_from_binary leaves the original PDF in front of
        # the new one; this file must start with its only header.
        assert data.startswith(b"%PDF-1.7\n"), name
        assert data.count(b"%PDF-") == 1
        assert data.rstrip().endswith(b"%%EOF")
        pdf = pikepdf.open(io.BytesIO(data))
        assert len(pdf.trailer.ID) == 2
        assert "/Encrypt" not in pdf.trailer
        assert str(pdf.Root.Lang) == "fr-FR"


def test_logo_is_drawn_in_rgb_even_from_a_cmyk_jpeg(documents):
    for name in ("invoice", "credit note"):
        pdf = pikepdf.open(io.BytesIO(documents[name][1]))
        images = [
            xobject
            for xobject in pdf.pages[0].Resources.XObject.values()
            if xobject.Subtype == "/Image"
        ]
        assert images, f"{name}: logo missing"
        for image in images:
            # DeviceCMYK beside an RGB output intent would break PDF/A.
            assert image.ColorSpace in ("/DeviceRGB", "/DeviceGray"), name


def test_no_javascript_open_action_or_annotation(documents):
    for name, pdf in each(documents):
        assert "/OpenAction" not in pdf.Root, name
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            assert "/Annots" not in page
