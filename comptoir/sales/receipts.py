"""The till receipt ("ticket de caisse") of a counter sale: an 80 mm PDF.

Drawn with ReportLab on a page 80 mm wide and as long as the receipt, the
size a thermal receipt printer takes; the first print is the original and
every later one says "DUPLICATA", counted on the sale's `CounterReceipt`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from comptoir.core import audit
from comptoir.core.clock import format_datetime
from comptoir.core.fonts import BOLD, REGULAR, register_fonts
from comptoir.core.totals import LineInput, compute_totals
from comptoir.organizations.models import User

from .models import Channel, CounterReceipt, Sale

WIDTH = 80 * mm
MARGIN = 4 * mm
LINE = 4.2 * mm
NARROW_NBSP = " "  # Vera has no narrow no-break space


class ReceiptError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PrintedReceipt:
    pdf: bytes
    print_count: int

    @property
    def is_duplicate(self) -> bool:
        return self.print_count > 1

    @property
    def filename(self) -> str:
        return "ticket.pdf"


def print_receipt(
    *, sale: Sale, printed_by: User | AnonymousUser | None
) -> PrintedReceipt:
    """Count one more print of a counter sale's receipt and draw it."""
    if sale.channel != Channel.COUNTER or not sale.is_paid:
        raise ReceiptError(_("Seule une vente payée en caisse a un ticket de caisse."))
    with transaction.atomic():
        receipt, _created = CounterReceipt.objects.select_for_update().get_or_create(
            sale=sale
        )
        CounterReceipt.objects.filter(pk=receipt.pk).update(
            print_count=F("print_count") + 1, last_printed_at=timezone.now()
        )
        receipt.refresh_from_db()
        audit.record(
            sale,
            "sales.receipt.printed",
            actor=printed_by,
            data={"number": sale.number, "print_count": receipt.print_count},
        )
    # In French whatever the cashier's screen language: a French till receipt.
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_receipt(sale=sale, receipt=receipt)
    return PrintedReceipt(pdf=pdf, print_count=receipt.print_count)


def _euros(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + NARROW_NBSP.join(groups) + "," + cents + " €"


def _rate(value: Decimal | None) -> str:
    if value is None:
        return _("hors champ")
    return f"{Decimal(value).normalize():f}".replace(".", ",") + " %"


def _rows(sale: Sale, receipt: CounterReceipt) -> list[tuple[str, str, str]]:
    """The receipt as (style, left, right) rows, top to bottom."""
    park = sale.park
    rows: list[tuple[str, str, str]] = [("title", park.name, "")]
    for text in (
        park.company_name,
        park.address,
        park.address_complement,
        f"{park.postcode} {park.city}".strip(),
        _("SIRET %(siret)s") % {"siret": park.siret} if park.siret else "",
        _("TVA %(number)s") % {"number": park.vat_number} if park.vat_number else "",
        park.phone,
    ):
        if text:
            rows.append(("center", text, ""))
    rows.append(("rule", "", ""))
    if receipt.print_count > 1:
        rows.append(("mark", _("DUPLICATA"), ""))
        rows.append(
            (
                "center",
                _("Impression no %(count)s") % {"count": receipt.print_count},
                "",
            )
        )
    rows.append(("bold", _("Ticket de caisse"), sale.number or ""))
    rows.append(("small", format_datetime(sale.paid_at, park.time_zone), ""))
    if sale.created_by is not None:
        name = sale.created_by.get_full_name() or sale.created_by.get_username()
        rows.append(("small", _("Caisse : %(name)s") % {"name": name}, ""))
    if sale.client is not None:
        rows.append(
            ("small", _("Client : %(name)s") % {"name": sale.client.display_name}, "")
        )
    rows.append(("rule", "", ""))
    lines = list(sale.lines.all())
    for line in lines:
        rows.append(("text", f"{line.quantity} × {line.description}", ""))
        rows.append(
            (
                "small",
                _("%(price)s l'unité · TVA %(rate)s")
                % {"price": _euros(line.unit_price_incl), "rate": _rate(line.vat_rate)},
                _euros(line.total_incl),
            )
        )
    rows.append(("rule", "", ""))
    rows.append(("total", _("TOTAL TTC"), _euros(sale.total_incl)))
    totals = compute_totals(
        [
            LineInput(Decimal(ln.quantity), ln.unit_price_incl, ln.vat_rate)
            for ln in lines
        ]
    )
    rows.append(("small", _("TVA"), _("HT · TVA")))
    for part in totals.breakdown:
        rows.append(
            (
                "small",
                _rate(part.vat_rate),
                f"{_euros(part.base)} · {_euros(part.vat)}",
            )
        )
    rows.append(("rule", "", ""))
    for payment in sale.payments.select_related("gift_voucher"):
        if payment.amount >= 0:
            rows.append(("text", payment.get_method_display(), _euros(payment.amount)))
            if payment.gift_voucher is not None:
                code = payment.gift_voucher.code
                rows.append(("small", _("Bon %(code)s") % {"code": code}, ""))
    if receipt.cash_received is not None:
        rows.append(("text", _("Espèces reçues"), _euros(receipt.cash_received)))
        rows.append(("bold", _("Monnaie rendue"), _euros(receipt.change_due)))
    rows.append(("rule", "", ""))
    rows.append(("center", _("Merci de votre visite !"), ""))
    return rows


STYLES = {
    "title": (BOLD, 12, 1.5),
    "mark": (BOLD, 16, 1.8),
    "total": (BOLD, 11, 1.4),
    "bold": (BOLD, 9, 1.0),
    "text": (REGULAR, 9, 1.0),
    "small": (REGULAR, 7.5, 0.9),
    "center": (REGULAR, 7.5, 0.9),
    "rule": (REGULAR, 7.5, 0.8),
}


def render_receipt(*, sale: Sale, receipt: CounterReceipt) -> bytes:
    """The receipt as a one-page PDF 80 mm wide."""
    register_fonts()
    usable = WIDTH - 2 * MARGIN
    laid_out: list[tuple[str, list[str], str]] = []
    height = 2 * MARGIN
    for style, left, right in _rows(sale, receipt):
        font, size, _step = STYLES[style]
        room = usable - (stringWidth(right, font, size) + 2 * mm if right else 0)
        wrapped = simpleSplit(left, font, size, room) if left else [""]
        laid_out.append((style, wrapped, right))
        height += LINE * STYLES[style][2] * len(wrapped)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(WIDTH, height),
        initialFontName=REGULAR,  # type: ignore[arg-type]  # a font name; stubs say float
        initialFontSize=9,
        invariant=1,
    )
    canvas.setTitle(_("Ticket de caisse %(number)s") % {"number": sale.number})
    canvas.setAuthor(sale.park.name)
    y = height - MARGIN
    for style, wrapped, right in laid_out:
        font, size, step = STYLES[style]
        for index, text in enumerate(wrapped):
            y -= LINE * step
            canvas.setFont(font, size)
            if style == "rule":
                canvas.setDash(1, 2)
                canvas.line(MARGIN, y + LINE * 0.4, WIDTH - MARGIN, y + LINE * 0.4)
                canvas.setDash()
            elif style in ("title", "mark", "center"):
                canvas.drawCentredString(WIDTH / 2, y, text)
            else:
                canvas.drawString(MARGIN, y, text)
                if right and index == len(wrapped) - 1:
                    canvas.drawRightString(WIDTH - MARGIN, y, right)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
