"""Bitstream Vera, the TTF shipped inside ReportLab, registered once per process.

PDF/A forbids unembedded fonts, so every piece of text, including the
canvas's initial font and table defaults, must use these embedded faces.
"""

from __future__ import annotations

import functools
from pathlib import Path

import reportlab
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "ComptoirVera"
BOLD = "ComptoirVera-Bold"
ITALIC = "ComptoirVera-Italic"
BOLD_ITALIC = "ComptoirVera-BoldItalic"

_FONT_DIR = Path(reportlab.__file__).parent / "fonts"
_FILES = {
    REGULAR: "Vera.ttf",
    BOLD: "VeraBd.ttf",
    ITALIC: "VeraIt.ttf",
    BOLD_ITALIC: "VeraBI.ttf",
}


@functools.cache
def register_fonts() -> None:
    """Parse the TTF files once; later documents reuse the parsed faces."""
    # Streams are Flate-compressed already; ASCII85 on top only makes them
    # bigger and costs ~2 ms a document in ReportLab's pure-Python encoder.
    rl_config.useA85 = 0
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(_FONT_DIR / filename)))
    # Lets <b> and <i> inside Paragraph markup pick the embedded faces.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
