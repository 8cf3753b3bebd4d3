"""PDFs of what a sale paid for: its tickets, bookings and gift vouchers.

One PDF per kind, one A6 page per ticket, booking or voucher, with its
code as a QR code where the entrance scans one. Attached to the order
confirmation mail; drawn with ReportLab in the embedded Vera fonts.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from typing import cast

from django.db.models import ForeignObjectRel, Model, QuerySet
from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from comptoir.catalog.models import ADMISSION_KINDS, ProductKind
from comptoir.core.clock import format_date, format_datetime
from comptoir.core.fonts import BOLD, REGULAR, register_fonts, seed_codes
from comptoir.core.mail import format_money
from comptoir.core.prepared import PreparedQuery, set_prefetched
from comptoir.core.qr import draw_qr

from .models import Sale, SaleLine

INK = HexColor("#241543")
MUTED = HexColor("#5c5470")


@dataclass(frozen=True)
class Page:
    heading: str
    title: str
    rows: list[tuple[str, str]]
    code: str = ""


def _pdf(pages: list[Page], *, title: str, author: str) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A6,
        initialFontName=REGULAR,  # type: ignore[arg-type]  # a font name; stubs say float
        initialFontSize=9,
        invariant=1,
    )
    seed_codes(canvas)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    width, height = A6
    left = 8 * mm
    for page in pages:
        canvas.setFillColor(INK)
        canvas.rect(0, height - 16 * mm, width, 16 * mm, stroke=0, fill=1)
        canvas.setFillColor(white)
        canvas.setFont(BOLD, 12)
        canvas.drawString(left, height - 10 * mm, author[:40])
        canvas.setFont(REGULAR, 8)
        canvas.drawRightString(width - left, height - 10 * mm, page.heading)
        canvas.setFillColor(INK)
        y = height - 26 * mm
        canvas.setFont(BOLD, 12)
        for text in simpleSplit(page.title, BOLD, 12, width - 2 * left)[:2]:
            canvas.drawString(left, y, text)
            y -= 6 * mm
        for label, value in page.rows:
            canvas.setFont(REGULAR, 7)
            canvas.setFillColor(MUTED)
            canvas.drawString(left, y, label.upper())
            canvas.setFont(BOLD, 10)
            canvas.setFillColor(INK)
            canvas.drawString(left, y - 4.5 * mm, value)
            y -= 11 * mm
        if page.code:
            size = 34 * mm
            draw_qr(canvas, page.code, width - left - size, 8 * mm, size, INK)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# What each kind of line entitles to (`services._create_entitlements`).
ENTITLEMENTS: dict[str, Collection[str]] = {
    "tickets": ADMISSION_KINDS,
    "bookings": (ProductKind.BOOKING,),
    "gift_vouchers": (ProductKind.GIFT_VOUCHER,),
}


def _entitled(line: SaleLine, relation: str) -> bool:
    return line.product_kind in ENTITLEMENTS[relation]


def _lines(sale_id: int) -> QuerySet[SaleLine]:
    return SaleLine.objects.filter(sale_id=sale_id)


def _entitlements_of(relation: str) -> tuple[str, PreparedQuery[Model]]:
    """The name of the foreign key to the line on the model `relation`
    (tickets, bookings…) names, and the query of its rows for lines given
    by their ids, in that model's order, as `prefetch_related` reads them."""
    field = SaleLine._meta.get_field(relation)
    model = cast(type[Model], field.related_model)
    fk = cast(ForeignObjectRel, field).field.name

    def build(line_ids: list[int]) -> QuerySet[Model]:
        return model._default_manager.filter(**{f"{fk}_id__in": line_ids})

    return fk, PreparedQuery[Model](build)


# Compiled once per process (and number of lines): every paid online sale's
# confirmation reads them.
_LINES = PreparedQuery[SaleLine](_lines)
_ENTITLEMENTS = {relation: _entitlements_of(relation) for relation in ENTITLEMENTS}


def prefetch_entitlements(sale: Sale) -> list[SaleLine]:
    """The sale's lines, each with what its kind entitles to, set as
    `prefetch_related` sets them: one query for the lines and one per kind
    of entitlement the sale has."""
    lines = _LINES.fetch(sale_id=sale.pk)
    for line in lines:
        line.sale = sale
    set_prefetched(sale, "lines", lines)
    for relation, (fk, query) in _ENTITLEMENTS.items():
        owners = {line.pk: line for line in lines if _entitled(line, relation)}
        if not owners:
            continue
        found: dict[int, list[Model]] = {pk: [] for pk in owners}
        for item in query.fetch(line_ids=list(owners)):
            line = owners[getattr(item, f"{fk}_id")]
            setattr(item, fk, line)
            found[line.pk].append(item)
        for pk, items in found.items():
            set_prefetched(owners[pk], relation, items)
    return lines


def _each(line: SaleLine, relation: str) -> list:
    """The line's tickets, bookings or vouchers; none for another kind."""
    return list(getattr(line, relation).all()) if _entitled(line, relation) else []


def sale_documents(sale: Sale, language: str) -> list[tuple[str, bytes]]:
    """(file name, PDF) of the sale's tickets, bookings and vouchers."""
    park = sale.park
    tz = park.time_zone
    holder = sale.client.display_name if sale.client else "—"
    tickets, bookings, vouchers = [], [], []
    for line in sale.lines.all():
        for ticket in _each(line, "tickets"):
            tickets.append(
                Page(
                    _("BILLET D'ENTRÉE"),
                    line.description,
                    [
                        (_("Code"), ticket.code),
                        (_("Valable jusqu'au"), format_date(ticket.valid_until)),
                        (_("Titulaire"), holder),
                        (_("Vente no"), sale.number or ""),
                    ],
                    ticket.code,
                )
            )
        for booking in _each(line, "bookings"):
            bookings.append(
                Page(
                    _("RÉSERVATION"),
                    line.description,
                    [
                        (_("Début"), format_datetime(booking.starts_at, tz)),
                        (_("Fin"), format_datetime(booking.ends_at, tz)),
                        (_("Participants"), str(booking.participants)),
                        (_("Titulaire"), holder),
                        (_("Vente no"), sale.number or ""),
                    ],
                )
            )
        for voucher in _each(line, "gift_vouchers"):
            vouchers.append(
                Page(
                    _("BON CADEAU"),
                    line.description,
                    [
                        (_("Code"), voucher.code),
                        (_("Montant"), format_money(voucher.amount, language)),
                        (_("Valable jusqu'au"), format_date(voucher.valid_until)),
                        (_("Vente no"), sale.number or ""),
                    ],
                    voucher.code,
                )
            )
    documents = []
    for stem, title, pages in (
        (_("billets"), _("Billets"), tickets),
        (_("reservations"), _("Réservations"), bookings),
        (_("bons-cadeaux"), _("Bons cadeaux"), vouchers),
    ):
        if pages:
            documents.append(
                (
                    f"{stem}-{sale.number}.pdf",
                    _pdf(pages, title=f"{title} {sale.number}", author=park.name),
                )
            )
    return documents
