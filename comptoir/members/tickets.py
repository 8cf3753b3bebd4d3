"""A printable ticket: one A4 page with the code and its QR code.

Drawn with ReportLab in the Bitstream Vera fonts shipped inside ReportLab
(embedded, so the page looks the same everywhere), the QR code drawn as
vector squares (`core.qr`).
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from comptoir.core.clock import format_date
from comptoir.core.fonts import BOLD as BOLD_FACE
from comptoir.core.fonts import REGULAR, register_fonts
from comptoir.core.qr import draw_qr
from comptoir.sales.models import Ticket

# The embedded faces every document uses, registered once (core.fonts).
FONT, BOLD = REGULAR, BOLD_FACE
INK = HexColor("#241543")
ACCENT = HexColor("#ffc629")
MUTED = HexColor("#5c5470")


def ticket_pdf(ticket: Ticket) -> bytes:
    register_fonts()
    sale = ticket.sale_line.sale
    park = sale.park
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        initialFontName=FONT,  # type: ignore[arg-type]  # a font name; stubs say float
        initialFontSize=10,
        invariant=1,
    )
    canvas.setTitle(_("Billet %(code)s") % {"code": ticket.code})
    canvas.setAuthor(park.name)
    width, height = A4
    left, top = 20 * mm, height - 20 * mm
    box_w, box_h = width - 40 * mm, 110 * mm

    # The ticket itself, a rounded card with a coloured band.
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.2)
    canvas.roundRect(left, top - box_h, box_w, box_h, 6 * mm, stroke=1, fill=0)
    canvas.setFillColor(INK)
    canvas.roundRect(left, top - 22 * mm, box_w, 22 * mm, 6 * mm, stroke=0, fill=1)
    canvas.rect(left, top - 22 * mm, box_w, 8 * mm, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.setFont(BOLD, 18)
    canvas.drawString(left + 8 * mm, top - 14 * mm, park.name)
    canvas.setFillColor(white)
    canvas.setFont(FONT, 10)
    canvas.drawRightString(left + box_w - 8 * mm, top - 14 * mm, _("BILLET D'ENTRÉE"))

    qr_size = 62 * mm
    qr_x = left + box_w - qr_size - 8 * mm
    qr_y = top - box_h + 14 * mm
    draw_qr(canvas, ticket.code, qr_x, qr_y, qr_size, INK)

    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 16)
    canvas.drawString(left + 8 * mm, top - 36 * mm, ticket.sale_line.description[:48])
    rows = [
        (_("Code"), ticket.code),
        (
            _("Valable jusqu'au"),
            format_date(ticket.valid_until) if ticket.valid_until else "—",
        ),
        (_("Titulaire"), ticket.client.display_name if ticket.client else "—"),
        (_("Vente no"), sale.number or ""),
    ]
    y = top - 50 * mm
    for label, value in rows:
        canvas.setFont(FONT, 9)
        canvas.setFillColor(MUTED)
        canvas.drawString(left + 8 * mm, y, label.upper())
        canvas.setFont(BOLD, 13)
        canvas.setFillColor(INK)
        canvas.drawString(left + 8 * mm, y - 6 * mm, value)
        y -= 15 * mm
    canvas.setFont(BOLD, 11)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 6 * mm, ticket.code)

    canvas.setFont(FONT, 9)
    canvas.setFillColor(MUTED)
    notes = [
        _("Présentez ce billet à l'accueil, imprimé ou sur votre téléphone."),
        _("Chaque code n'est valable qu'une seule fois."),
        " ".join(
            p for p in (park.company_name, park.address, park.postcode, park.city) if p
        ),
    ]
    y = top - box_h - 10 * mm
    for note in notes:
        canvas.drawString(left, y, note)
        y -= 5 * mm
    if ticket.voided_at:
        canvas.setFont(BOLD, 28)
        canvas.setFillColor(HexColor("#c0392b"))
        canvas.drawCentredString(width / 2, top - box_h / 2, _("ANNULÉ — REMBOURSÉ"))
    elif ticket.used_at:
        canvas.setFont(BOLD, 28)
        canvas.setFillColor(HexColor("#c0392b"))
        canvas.drawCentredString(width / 2, top - box_h / 2, _("DÉJÀ UTILISÉ"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
