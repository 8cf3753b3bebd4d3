"""What a scanner at the entrance reads off a PDF: its pages rasterized by
poppler (`pdftoppm`), the QR codes found on them read by zxing-cpp."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def scanned_codes(pdf: bytes, *, dpi: int = 150) -> list[list[str]]:
    """The text of each QR code found, page by page."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
        )
        pages = []
        for png in sorted(Path(folder).glob("page-*.png")):
            with Image.open(png) as image:
                found = zxingcpp.read_barcodes(
                    image, formats=zxingcpp.BarcodeFormat.QRCode
                )
            pages.append([code.text for code in found])
    return pages
