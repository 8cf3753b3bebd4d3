"""Sample invoice and credit note as PNG pages in test-artifacts/, to look at.

The PNGs are for people (reviewing the layout, docs/screenshots/); the test
checks that every page was rasterised at A4 proportions.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from comptoir.invoicing.rendering import render_document

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DPI = 80


def sample_logo() -> bytes:
    """A small made-up park logo: a trampoline under a bouncing ball."""
    image = Image.new("RGBA", (360, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 359, 239), radius=48, fill=(29, 53, 87, 255))
    draw.ellipse((60, 150, 300, 190), outline=(255, 255, 255, 255), width=10)
    draw.line((90, 180, 70, 215), fill=(255, 255, 255, 255), width=10)
    draw.line((270, 180, 290, 215), fill=(255, 255, 255, 255), width=10)
    draw.ellipse((150, 40, 210, 100), fill=(230, 57, 70, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def rasterise(pdf: bytes, stem: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), str(source), str(ARTIFACTS / stem)],
        check=True,
    )
    return sorted(ARTIFACTS.glob(f"{stem}-*.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("kind", ["invoice", "credit-note"])
def test_sample_documents_are_written_as_png_pages(
    kind, invoice_snapshot, credit_note_snapshot
):
    snapshot = invoice_snapshot if kind == "invoice" else credit_note_snapshot
    pngs = rasterise(render_document(snapshot, logo=sample_logo()), kind)
    assert len(pngs) == 1
    with Image.open(pngs[0]) as page:
        width, height = page.size
        # A4 at 80 dpi: 661 × 935 pixels.
        assert abs(width - 210 / 25.4 * DPI) <= 2
        assert abs(height - 297 / 25.4 * DPI) <= 2
        # Something was drawn: the page is not blank white.
        assert page.convert("L").getextrema()[0] < 100
