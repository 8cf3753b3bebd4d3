"""What the printed invoice and credit note say, in French, page by page."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics

from comptoir.core.fonts import REGULAR
from comptoir.invoicing.rendering import formatting, render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml
from comptoir.invoicing.rendering.pdf import frame
from comptoir.invoicing.rendering.snapshot import parse_snapshot

VOUCHER = [("Bon cadeau multi-usages", "1", "150.00", None, "voucher")]
TICKET = [("Entrée 1h", "1", "30.00", "20.00", "services")]


def pages(pdf: bytes) -> list[str]:
    """Text of each page, spaces normalised (ReportLab draws NBSP as space)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [
        " ".join(page.extract_text().replace("\u00a0", " ").split())
        for page in reader.pages
    ]


def text_of(pdf: bytes) -> str:
    return "\n".join(pages(pdf))


def test_invoice_prints_parties_numbers_dates_lines_and_totals(invoice_snapshot):
    text = text_of(render_document(invoice_snapshot))
    for expected in [
        "TRY Trampoline Park",
        "FACTURE",
        "FA-KD-20240305-000010",
        "05/03/2024",  # issue date
        "S-240205-000002",
        "DATE DE LA VENTE",
        "05/02/2024",  # sale date, differs from issue date
        # seller's legal block
        "TRY LOISIRS SAS",
        "SAS au capital de 10 000 €",
        "SIREN 123 456 789",
        "SIRET 123 456 789 00012",
        "RCS Paris 123 456 789",
        "FR32123456789",
        "12 rue des Rebonds",
        "75014 Paris",
        # buyer's block
        "BAYCORP INC",
        "À l'attention de ERIC BAY",
        "281 BIS Bd Raspail",
        "89530 MOUTIERS EN PUISAYE",
        "FR40987654321",
        "SIREN 987 654 321 · SIRET 987 654 321 00017",
        "Compte client : 491123456",
        # lines: description, quantity, unit price excl., rate, amount excl.
        "Entrée 1h 1 25,00 € 20 % 25,00 €",
        "Boisson fraîche 2 9,09 € 10 % 18,18 €",
        # per-rate breakdown and totals
        "20 % 25,00 € 5,00 € 30,00 €",
        "10 % 18,18 € 1,82 € 20,00 €",
        "Total HT 43,18 €",
        "Total TVA 6,82 €",
        "Total TTC 50,00 €",
        # the most prominent figure: what was paid, when and how
        "Payé le 05/02/2024 par Carte bancaire 50,00 €",
        # what was paid, when and how
        "05/02/2024 Carte bancaire PAY-7F3A21 50,00 €",
        "Page 1 / 1",
    ]:
        assert expected in text, expected


def test_invoice_prints_the_mandatory_b2b_and_2026_mentions(invoice_snapshot):
    text = text_of(render_document(invoice_snapshot))
    for expected in [
        "Conditions de paiement : Paiement comptant à la commande",
        "Escompte pour paiement anticipé : néant.",
        "pénalités égales à trois fois le taux d'intérêt légal",
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
        "paiement : 40 €",
        "Nature de l'opération : Livraison de biens et prestations de services",
    ]:
        assert expected in text, expected
    assert "Option pour le paiement de la TVA d'après les débits" not in text
    assert "256 ter" not in text


def test_discount_is_not_repeated_when_the_payment_terms_state_it(make_snapshot):
    terms = "Paiement comptant. Pas d'escompte pour paiement anticipé."
    snapshot = make_snapshot(TICKET, seller={"payment_terms": terms})
    text = text_of(render_document(snapshot))
    assert f"Conditions de paiement : {terms}" in text
    assert "Escompte pour paiement anticipé : néant." not in text
    # The XML keeps its own AAB note, which the French rules require.
    assert b"<ram:SubjectCode>AAB</ram:SubjectCode>" in build_cii_xml(snapshot)


def test_nature_of_the_operation_follows_the_lines(make_snapshot):
    services = text_of(render_document(make_snapshot(TICKET)))
    assert "Nature de l'opération : Prestations de services" in services
    goods = text_of(
        render_document(make_snapshot([("T-shirt", "1", "20.00", "20.00", "goods")]))
    )
    assert "Nature de l'opération : Livraison de biens" in goods
    vouchers = text_of(render_document(make_snapshot(VOUCHER)))
    assert (
        "Nature de l'opération : Prestations de services (bons cadeaux "
        "multi-usages, utilisables pour les activités)" in vouchers
    )


def test_vat_on_debits_option_is_printed_when_the_seller_chose_it(make_snapshot):
    text = text_of(
        render_document(make_snapshot(TICKET, seller={"vat_on_debits": True}))
    )
    assert "Option pour le paiement de la TVA d'après les débits" in text


def test_voucher_invoice_says_why_it_carries_no_vat(make_snapshot):
    text = text_of(render_document(make_snapshot(VOUCHER)))
    assert (
        "Bon cadeau multi-usages : hors champ d'application de la TVA "
        "(art. 256 ter du CGI), la TVA sera due lors de son utilisation." in text
    )
    assert "Hors champ 150,00 € 0,00 € 150,00 €" in text
    assert "Total HT 150,00 €" in text
    assert "Total TTC 150,00 €" in text


def test_credit_note_is_an_avoir_naming_the_invoice_and_the_reason(
    credit_note_snapshot,
):
    text = text_of(render_document(credit_note_snapshot))
    assert "AVOIR" in text
    assert "AV-KD-20240310-000003" in text
    assert "Avoir sur la facture FA-KD-20240305-000010 du 05/03/2024" in text
    assert "Motif : Boissons non servies, remboursées sur la carte bancaire." in text
    assert "FACTURE" not in text
    assert "Total TTC 20,00 €" in text
    assert "REMBOURSEMENTS" in text
    assert "Remboursé le 10/03/2024 par Carte bancaire 20,00 €" in text
    assert "Net à rembourser" not in text


def test_sale_date_is_left_out_when_it_is_the_issue_date(make_snapshot):
    text = text_of(
        render_document(
            make_snapshot(TICKET, issue_date="2024-03-05", sale_date="2024-03-05")
        )
    )
    assert "DATE DE LA VENTE" not in text
    assert "S-240205-000002" in text


def test_unpaid_balance_is_the_net_to_pay(make_snapshot):
    text = text_of(
        render_document(
            make_snapshot(
                [("Privatisation", "1", "1480.00", "20.00")], paid=Decimal("480.00")
            )
        )
    )
    assert "Total TTC 1 480,00 €" in text
    assert "Déjà réglé 480,00 €" in text
    assert "Net à payer 1 000,00 €" in text


def test_unpaid_invoice_says_nothing_was_received(make_snapshot):
    text = text_of(render_document(make_snapshot(TICKET, paid="0.00")))
    assert "Aucun règlement reçu à la date de la facture." in text
    assert "Net à payer 30,00 €" in text


def test_individual_buyer_gets_no_b2b_mentions(make_snapshot):
    snapshot = make_snapshot(
        TICKET,
        buyer={
            "company_name": "",
            "contact_name": "Léa Martin",
            "vat_number": "",
            "siret": "",
            "siren": "",
            "accounting_code": "",
            "professional": False,
        },
    )
    text = text_of(render_document(snapshot))
    assert "Léa Martin" in text
    assert "À l'attention de" not in text
    assert "40 €" not in text
    assert "Conditions de paiement" in text


def test_buyer_with_only_a_siren_shows_it(make_snapshot):
    snapshot = make_snapshot(TICKET, buyer={"siret": "", "siren": "987654321"})
    assert "SIREN 987 654 321" in text_of(render_document(snapshot))


def test_long_document_flows_onto_numbered_pages_with_the_header_repeated(
    make_snapshot,
):
    lines = [
        (f"Entrée trampoline n° {n}", "1", "12.00", "20.00", "services")
        for n in range(60)
    ]
    texts = pages(render_document(make_snapshot(lines)))
    total = len(texts)
    assert total >= 2
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} / {total}" in page
        # The header and the lines table's column heads come back on each page.
        assert "TRY Trampoline Park" in page
        assert "FACTURE" in page and "FA-KD-20240305-000010" in page
    assert "Page 2 / " in texts[1]
    assert "(suite)" in texts[1]
    for page in texts[1:]:
        if "Entrée trampoline" in page:
            assert "DÉSIGNATION QTÉ PU HT TVA MONTANT HT" in page
    body = " ".join(texts)
    assert all(f"Entrée trampoline n° {n} " in body for n in range(60))
    assert "Total TTC 720,00 €" in texts[-1]


def test_a_very_long_description_wraps_instead_of_overflowing(make_snapshot):
    description = "Anniversaire " + "avec gâteau et bougies " * 12
    text = text_of(render_document(make_snapshot([(description, "1", "9.00", "20")])))
    assert "avec gâteau et bougies avec gâteau" in text
    assert "Total TTC 9,00 €" in text


def png(mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (300, 100), (200, 30, 60, 255)[: len(mode)]).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def image_count(pdf: bytes) -> int:
    document = pikepdf.open(io.BytesIO(pdf))
    xobjects = document.pages[0].Resources.get("/XObject") or {}
    return sum(1 for x in xobjects.values() if x.Subtype == "/Image")


@pytest.mark.parametrize("logo", [png(), png("P"), png("L"), jpeg()])
def test_logo_is_drawn_from_png_or_jpeg_bytes(invoice_snapshot, logo):
    assert image_count(render_document(invoice_snapshot, logo=logo)) == 1


def _half_transparent_png() -> bytes:
    image = Image.new("RGBA", (300, 100), (200, 30, 60, 255))
    image.paste((0, 0, 0, 0), (0, 0, 150, 100))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "logo", [png(), png("P"), png("L"), jpeg(), _half_transparent_png()]
)
def test_the_logo_made_once_is_drawn_as_reportlab_draws_it(
    make_snapshot, logo, monkeypatch
):
    """Its image, made once per process (`_logo_xobject`), gives the same
    PDF bytes as `Canvas.drawImage` in every document: on each page of a
    long one, and in a second one."""
    lines = [(f"Entrée n° {n}", "1", "12.00", "20.00", "services") for n in range(60)]
    doc = parse_snapshot(make_snapshot(lines))
    monkeypatch.setattr(rl_config, "invariant", 1)  # no time stamp, no random id
    ours = [frame.build_pdf(doc, logo) for _ in range(2)]

    def draw_image(canvas, image, x, y, width, height):
        canvas.drawImage(image, x, y, width, height, mask="auto")

    monkeypatch.setattr(frame, "_draw_logo", draw_image)
    reportlab = frame.build_pdf(doc, logo)
    assert len(PdfReader(io.BytesIO(reportlab)).pages) >= 2
    assert ours == [reportlab, reportlab]


def test_without_logo_or_with_unreadable_bytes_no_image_is_drawn(
    invoice_snapshot, caplog
):
    assert image_count(render_document(invoice_snapshot)) == 0
    assert image_count(render_document(invoice_snapshot, logo=b"not an image")) == 0
    assert "logo" in caplog.text


def test_fonts_are_registered_once_per_process(invoice_snapshot):
    render_document(invoice_snapshot)
    font = pdfmetrics.getFont(REGULAR)
    render_document(invoice_snapshot)
    assert pdfmetrics.getFont(REGULAR) is font


# -- French formats ---------------------------------------------------------

NBSP = "\u00a0"


def test_money_uses_french_separators_and_non_breaking_spaces():
    assert formatting.money(Decimal("1234.56")) == f"1{NBSP}234,56{NBSP}€"
    assert formatting.money(Decimal("1234567.5")) == f"1{NBSP}234{NBSP}567,50{NBSP}€"
    assert formatting.money(Decimal("0")) == f"0,00{NBSP}€"
    assert formatting.money(Decimal("-43.185")) == f"-43,19{NBSP}€"
    assert formatting.money(Decimal("999.995")) == f"1{NBSP}000,00{NBSP}€"


def test_rates_quantities_unit_prices_and_dates():
    assert formatting.rate(Decimal("20.00")) == f"20{NBSP}%"
    assert formatting.rate(Decimal("5.50")) == f"5,5{NBSP}%"
    assert formatting.rate(Decimal("2.10")) == f"2,1{NBSP}%"
    assert formatting.quantity(Decimal("3")) == "3"
    assert formatting.quantity(Decimal("2.50")) == "2,5"
    assert formatting.quantity(Decimal("1200")) == f"1{NBSP}200"
    assert formatting.unit_price(Decimal("25.00")) == f"25,00{NBSP}€"
    assert formatting.unit_price(Decimal("8.3333")) == f"8,3333{NBSP}€"
    assert formatting.unit_price(Decimal("9.465")) == f"9,465{NBSP}€"
    assert formatting.date(datetime.date(2024, 3, 5)) == "05/03/2024"


def test_long_names_and_addresses_wrap_inside_their_blocks(make_snapshot):
    park = "Le Grand Complexe de Loisirs Indoor de la Vallée de Chevreuse"
    company = "SOCIETE D'EXPLOITATION DES LOISIRS DE LA VALLEE DE CHEVREUSE"
    buyer = "ASSOCIATION SPORTIVE ET CULTURELLE DU PERSONNEL DE LA MUTUELLE"
    snapshot = make_snapshot(
        TICKET,
        seller={"name": park, "company_name": company},
        buyer={"company_name": buyer, "address": "Résidence les Jardins " * 4},
    )
    pdf = render_document(snapshot)
    text = text_of(pdf)
    assert len(pages(pdf)) == 1
    for words in (park, company, buyer):
        # Wrapped lines come back as words separated by spaces or newlines.
        assert all(word in text for word in words.split())
