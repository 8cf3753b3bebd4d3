"""The A4 page of an invoice: its size, margins, header and footer bands,
the logo's box, and the palette both the frame and the content use."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADER_HEIGHT = 44 * mm  # from the top edge to the header's rule
FOOTER_HEIGHT = 22 * mm
LOGO_BOX = (42 * mm, 20 * mm)

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
ACCENT = colors.HexColor("#1d3557")
ACCENT_SOFT = colors.HexColor("#eaf0f7")
RULE = colors.HexColor("#d3dae3")
ZEBRA = colors.HexColor("#f7f9fb")
