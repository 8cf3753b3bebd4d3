"""Font subsets: the same bytes for documents printing the same characters,
made once per process, and every glyph a document prints still embedded."""

from __future__ import annotations

import io

import pikepdf

from comptoir.invoicing.rendering import render_document

from .test_rendering_pdf import TICKET, text_of


def font_files(pdf: bytes) -> dict[str, bytes]:
    """Each embedded font program by its subset name, decompressed."""
    document = pikepdf.open(io.BytesIO(pdf))
    files = {}
    for page in document.pages:
        for font in page.Resources.Font.values():
            descriptor = font.FontDescriptor
            files[str(descriptor.FontName)] = descriptor.FontFile2.read_bytes()
    return files


def test_buyers_with_accents_in_another_order_get_the_same_font_files(
    make_snapshot,
):
    # Without the seeded codes, Ô then Ç, or Ç then Ô, number the glyphs
    # differently and each document carries subsets of its own.
    first = render_document(
        make_snapshot(TICKET, buyer={"company_name": "HÔTEL DU FRANÇAIS"})
    )
    second = render_document(
        make_snapshot(TICKET, buyer={"company_name": "FRANÇAIS DU CHÔMAGE"})
    )
    assert "HÔTEL DU FRANÇAIS" in text_of(first)
    assert "FRANÇAIS DU CHÔMAGE" in text_of(second)
    assert font_files(first) == font_files(second)


def test_a_letter_beyond_the_usual_ones_is_embedded_and_printed(make_snapshot):
    usual = font_files(render_document(make_snapshot(TICKET)))
    pdf = render_document(make_snapshot(TICKET, buyer={"company_name": "ŁUKASZ SP"}))
    assert "ŁUKASZ SP" in text_of(pdf)
    files = font_files(pdf)
    assert files.keys() == usual.keys()
    # The bold face prints the buyer's name: its subset has the extra glyphs.
    assert any(len(files[name]) > len(usual[name]) for name in files)
    assert files != usual


def test_each_font_gives_the_width_of_every_glyph_of_its_own_subset(make_snapshot):
    render_document(make_snapshot(TICKET))  # the usual subsets, cached first
    pdf = render_document(make_snapshot(TICKET, buyer={"company_name": "ŁUKASZ SP"}))
    document = pikepdf.open(io.BytesIO(pdf))
    for font in document.pages[0].Resources.Font.values():
        count = int(font.LastChar) - int(font.FirstChar) + 1
        assert len(font.Widths) == count, str(font.BaseFont)
