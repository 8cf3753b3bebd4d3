"""QR codes drawn as vector squares on a ReportLab canvas.

The symbol comes from zxing-cpp's writer (C++): it picks the mask the
standard asks for (ISO/IEC 18004, the lowest penalty of the eight) in a
fraction of what segno's pure-Python evaluation took (≈ 0.2 ms against
≈ 3 ms for a ticket's code, `bench/render.py`). The same library reads
codes back in the tests.
"""

from __future__ import annotations

import zxingcpp
from reportlab.lib.colors import Color, white
from reportlab.pdfgen.canvas import Canvas

# Light modules drawn around the symbol, as before with segno's border=2;
# the documents leave white page around the square on top of it.
QUIET_ZONE = 2


def qr_rows(data: str) -> list[list[bool]]:
    """The symbol's modules, row by row (True is dark), error correction
    level M, the quiet zone included."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    # One byte a module; the stub does not say that the image is a buffer.
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    size = image.shape[0] if image.shape else 0
    pixels = image.tobytes()
    blank = [False] * (size + 2 * QUIET_ZONE)
    rows = [blank[:] for _ in range(QUIET_ZONE)]
    for r in range(size):
        # The image is black (0) on white (255).
        row = pixels[r * size : (r + 1) * size]
        rows.append(
            [False] * QUIET_ZONE + [value < 128 for value in row] + [False] * QUIET_ZONE
        )
    rows += [blank[:] for _ in range(QUIET_ZONE)]
    return rows


def draw_qr(
    canvas: Canvas, data: str, x: float, y: float, size: float, ink: Color
) -> None:
    """`data` as a QR code in the square of side `size` whose lower left
    corner is (x, y): a white square, then one rectangle per run of dark
    modules in a row (no hairline seams between neighbours)."""
    rows = qr_rows(data)
    module = size / len(rows)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(ink)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            canvas.rect(
                x + start * module,
                y + size - (r + 1) * module,
                (c - start) * module,
                module,
                stroke=0,
                fill=1,
            )
