"""QR codes as the documents draw them (`core.qr`): the modules zxing-cpp's
writer gives, drawn square by square, read back by a scanner."""

import io

import zxingcpp
from PIL import Image
from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from comptoir.core.qr import QUIET_ZONE, draw_qr, qr_rows
from tests.scanning import scanned_codes


def _image(rows: list[list[bool]], scale: int = 8) -> Image.Image:
    size = len(rows)
    image = Image.new("L", (size * scale, size * scale), 255)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                image.paste(0, (c * scale, r * scale, (c + 1) * scale, (r + 1) * scale))
    return image


def test_the_modules_read_back_as_the_code():
    for code in ("TKT-7Q4M-K2P9-XZ3A", "BC-2026-ÉTÉ", "x" * 120):
        found = zxingcpp.read_barcodes(_image(qr_rows(code)))
        assert [f.text for f in found] == [code]
        assert found[0].ec_level == "M"


def test_the_symbol_is_square_with_its_quiet_zone_light():
    rows = qr_rows("TKT-7Q4M-K2P9-XZ3A")
    assert all(len(row) == len(rows) for row in rows)
    # Version 1 (21 modules) for a ticket's code, then the light border.
    assert len(rows) == 21 + 2 * QUIET_ZONE
    border = rows[:QUIET_ZONE] + rows[-QUIET_ZONE:]
    assert not any(any(row) for row in border)
    assert not any(any(row[:QUIET_ZONE] + row[-QUIET_ZONE:]) for row in rows)
    # The finder pattern's corner module is dark.
    assert rows[QUIET_ZONE][QUIET_ZONE]


def test_two_codes_side_by_side_on_a_page_both_scan():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(400, 200))
    draw_qr(canvas, "TKT-AAAA-1111", 20, 40, 120, black)
    draw_qr(canvas, "TKT-BBBB-2222", 220, 40, 120, black)
    canvas.showPage()
    canvas.save()
    assert sorted(scanned_codes(buffer.getvalue())[0]) == [
        "TKT-AAAA-1111",
        "TKT-BBBB-2222",
    ]
