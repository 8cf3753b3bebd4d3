"""The page frame: the doc template and its body frame, the header (logo,
seller, title, number), the footer with "Page n / N", and `build_pdf`
which pours the content into it."""

from __future__ import annotations

import copy
import functools
import io
import logging
from collections.abc import Callable
from typing import Any

from PIL import Image, UnidentifiedImageError
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import (  # type: ignore[attr-defined]  # _digester: not in the stubs
    ImageReader,
    _digester,
    simpleSplit,
)
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from comptoir.core.fonts import BOLD, REGULAR, register_fonts, seed_codes
from comptoir.invoicing.rendering import formatting as fmt
from comptoir.invoicing.rendering import mentions
from comptoir.invoicing.rendering.snapshot import Document

from .content import _address_lines, _doc_label, _siren, _siret, _story
from .layout import (
    ACCENT,
    CONTENT_WIDTH,
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    INK,
    LOGO_BOX,
    MARGIN,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
)

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _decoded_logo(data: bytes) -> ImageReader:
    """Decode once per distinct logo; RGB(A) only, as the sRGB intent needs."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        alpha = image.mode in ("RGBA", "LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        converted = image.convert("RGBA" if alpha else "RGB")
    # 10 pixels per millimetre (254 dpi) is sharp in print; a 2000-pixel logo
    # would otherwise be compressed into every document at full size.
    converted.thumbnail((round(LOGO_BOX[0] / mm * 10), round(LOGO_BOX[1] / mm * 10)))
    return ImageReader(converted)


@functools.lru_cache(maxsize=8)
def _logo_xobject(logo: ImageReader) -> pdfdoc.PDFImageXObject:
    """The logo's image XObject as `Canvas.drawImage(logo, mask="auto")`
    builds it, made once per distinct logo: its name is the digest of its
    pixels, and its pixels (and transparency mask) are compressed here once
    instead of in every invoice (≈ 2.4 ms for a 300 × 200 logo)."""
    pixels = logo.getRGBData()  # sets the alpha channel's reader
    alpha = logo._dataA  # type: ignore[attr-defined]
    name = _digester(pixels + (alpha.getRGBData() if alpha else b"auto"))
    xobject = pdfdoc.PDFImageXObject(name, logo, mask="auto")
    xobject.name = name
    return xobject


def _draw_logo(
    canvas: Canvas, logo: ImageReader, x: float, y: float, width: float, height: float
) -> None:
    """`canvas.drawImage(logo, x, y, width, height, mask="auto")`, the
    logo's XObject copied from the one made once (`_logo_xobject`) and
    registered in this document as `drawImage` registers it; the same bytes
    (`tests/invoicing/test_rendering_pdf.py` compares them)."""
    made = _logo_xobject(logo)
    document = canvas._doc  # type: ignore[attr-defined]  # ReportLab's document
    canvas._currentPageHasImages = 1  # type: ignore[attr-defined]
    registered = document.getXObjectName(made.name)
    if document.idToObject.get(registered) is None:
        # A copy: registering sets the mask's reference on it, per document.
        xobject = copy.copy(made)
        canvas._setXObjects(xobject)  # type: ignore[attr-defined]
        document.Reference(xobject, registered)
        document.addForm(made.name, xobject)
        mask = getattr(made, "_smask", None)
        if mask is not None:
            mask_name = document.getXObjectName(mask.name)
            if document.idToObject.get(mask_name) is None:
                mask = copy.copy(mask)
                canvas._setXObjects(mask)  # type: ignore[attr-defined]
                xobject.smask = document.Reference(mask, mask_name)  # type: ignore[attr-defined]
            else:
                xobject.smask = pdfdoc.PDFObjectReference(mask_name)  # type: ignore[attr-defined]
            del xobject._smask  # type: ignore[attr-defined]
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")  # type: ignore[attr-defined]
    canvas.restoreState()
    # The page's resources name what it draws.
    canvas._formsinuse.append(made.name)  # type: ignore[attr-defined]


def _logo(data: bytes) -> ImageReader | None:
    """The logo, or None (and a warning) when the bytes are no image."""
    try:
        return _decoded_logo(data)
    except (UnidentifiedImageError, OSError, ValueError):
        logger.warning("invoice logo is not a readable PNG/JPEG image; left out")
        return None


def _fitting_size(text: str, font: str, size: float, width: float) -> float:
    """The font size, reduced (not below 60 %) so the text fits its width."""
    natural = stringWidth(text, font, size)
    if natural <= width:
        return size
    return max(size * 0.6, size * width / natural)


def _draw_header(canvas: Canvas, doc: Document, logo: ImageReader | None) -> None:
    top = PAGE_HEIGHT - 14 * mm
    x = MARGIN
    if logo is not None:
        width, height = logo.getSize()
        scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
        drawn_w, drawn_h = width * scale, height * scale
        _draw_logo(canvas, logo, x, top - drawn_h, drawn_w, drawn_h)
        x += drawn_w + 5 * mm
    seller = doc.seller
    canvas.setFillColor(ACCENT)
    room = PAGE_WIDTH - MARGIN - x - 62 * mm  # the title block's side
    name = seller["name"] or seller["company_name"]
    size = max(11.0, _fitting_size(name, BOLD, 15, room))
    canvas.setFont(BOLD, size)
    y = top - 13
    for line in simpleSplit(name, BOLD, size, room)[:2]:
        canvas.drawString(x, y, line)
        y -= size * 1.15
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 8)
    # The full legal address is in the seller's block; one line is enough here.
    address = ", ".join(_address_lines(seller))
    contact = " · ".join(filter(None, [seller["phone"], seller["email"]]))
    y -= 2
    for line in [*simpleSplit(address, REGULAR, 8, room)[:2], contact]:
        if line:
            canvas.drawString(x, y, line)
            y -= 10

    right = PAGE_WIDTH - MARGIN
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 22)
    canvas.drawRightString(right, top - 17, _doc_label(doc).upper())
    canvas.setFont(BOLD, 9.5)
    canvas.drawRightString(right, top - 33, f"N° {doc.number}")
    canvas.setFont(REGULAR, 8.5)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(right, top - 45, f"du {fmt.date(doc.issue_date)}")
    if canvas.getPageNumber() > 1:
        canvas.drawRightString(right, top - 56, "(suite)")

    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    rule_y = PAGE_HEIGHT - HEADER_HEIGHT + 4 * mm
    canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)


def _footer_text(doc: Document) -> str:
    seller = doc.seller
    parts = [mentions.seller_legal_text(doc)]
    if seller["siret"]:
        parts.append(f"SIRET {_siret(seller['siret'])}")
    elif seller.siren:
        parts.append(f"SIREN {_siren(seller.siren)}")
    if seller["vat_number"]:
        parts.append(f"TVA {seller['vat_number']}")
    return " — ".join(parts)


class _NumberedCanvas(Canvas):
    """Holds pages back until the end, to print "Page n / N" on each."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seed_codes(self)
        self._pending: list[dict[str, Any]] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pending.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # private, not in the stubs

    def save(self) -> None:
        total = len(self._pending)
        for state in self._pending:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        y = FOOTER_HEIGHT - 6 * mm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.6)
        self.line(MARGIN, y + 10, PAGE_WIDTH - MARGIN, y + 10)
        self.setFillColor(MUTED)
        self.setFont(REGULAR, 6.8)
        room = CONTENT_WIDTH - 24 * mm  # the page number's side
        for index, line in enumerate(simpleSplit(self._footer, REGULAR, 6.8, room)[:2]):
            self.drawString(MARGIN, y - index * 8.5, line)
        self.setFont(BOLD, 7.5)
        self.drawRightString(
            PAGE_WIDTH - MARGIN,
            y,
            f"Page {self._pageNumber} / {total}",  # type: ignore[attr-defined]  # private, not in the stubs
        )


def build_pdf(doc: Document, logo: bytes | None = None) -> bytes:
    """The document's PDF (not yet Factur-X / PDF/A: see facturx.package)."""
    register_fonts()
    image = _logo(logo) if logo else None
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=HEADER_HEIGHT,
        bottomMargin=FOOTER_HEIGHT,
        title=f"{_doc_label(doc)} {doc.number}",
        author=doc.seller["company_name"] or doc.seller["name"],
        lang="fr-FR",
        initialFontName=REGULAR,
        initialFontSize=9,
        initialLeading=11,
    )
    frame = Frame(
        MARGIN,
        FOOTER_HEIGHT,
        CONTENT_WIDTH,
        PAGE_HEIGHT - HEADER_HEIGHT - FOOTER_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )

    def on_page(canvas: Canvas, _template: Any) -> None:
        canvas.saveState()
        _draw_header(canvas, doc, image)
        canvas.restoreState()

    template.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    canvasmaker: Callable[..., Canvas] = functools.partial(
        _NumberedCanvas, footer=_footer_text(doc)
    )
    template.build(_story(doc), canvasmaker=canvasmaker)
    return buffer.getvalue()
