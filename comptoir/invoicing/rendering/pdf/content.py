"""What a document says, laid out as ReportLab flowables: the parties,
the facts, the lines table, VAT and totals, payments and legal mentions."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from comptoir.core.fonts import BOLD, REGULAR
from comptoir.invoicing.rendering import formatting as fmt
from comptoir.invoicing.rendering import mentions
from comptoir.invoicing.rendering.snapshot import Document, Party

from .layout import ACCENT, ACCENT_SOFT, CONTENT_WIDTH, INK, MUTED, RULE, ZEBRA


def _style(name: str, **kwargs: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": REGULAR,
        "bulletFontName": REGULAR,
        "fontSize": 8.5,
        "leading": 11,
        "textColor": INK,
    }
    base.update(kwargs)
    return ParagraphStyle(name, **base)


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    return {
        "body": _style("body"),
        "party_name": _style("party_name", fontName=BOLD, fontSize=10, leading=13),
        "cell": _style("cell", fontSize=8.5, leading=10.5),
        "section": _style(
            "section",
            fontName=BOLD,
            fontSize=7.5,
            leading=10,
            textColor=ACCENT,
            spaceBefore=2,
            spaceAfter=3,
        ),
        "mention": _style("mention", fontSize=7.3, leading=9.6, textColor=INK),
        "reference": _style("reference", fontName=BOLD, fontSize=9.5, leading=12.5),
        "settled": _style(
            "settled", fontName=BOLD, fontSize=9.5, leading=12, textColor=colors.white
        ),
    }


class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width: tables and
    KeepTogether wrap the same paragraph two or three times before it is
    drawn, and breaking the lines is most of its cost."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        if self._wrapped is None or self._wrapped[0] != availWidth:
            self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return self._wrapped[1]


def _p(text: str, style: str = "body") -> Paragraph:
    return _Paragraph(text, _styles()[style])


def _e(text: str) -> str:
    return escape(text)


class _Lines(Flowable):
    """Lines that need no wrapping, drawn as they are.

    A Paragraph parses markup and breaks lines on every wrap; most blocks
    here are short lines that fit, and drawing them directly is cheaper.
    """

    def __init__(self, lines: Sequence[str], style: ParagraphStyle) -> None:
        super().__init__()
        self._lines = list(lines)
        self._style = style

    def wrap(
        self, available_width: float, available_height: float
    ) -> tuple[float, float]:
        self.width = available_width
        self.height = len(self._lines) * self._style.leading
        return self.width, self.height

    def draw(self) -> None:
        style = self._style
        canvas = self.canv
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize)
        y = self.height - style.fontSize
        for line in self._lines:
            canvas.drawString(0, y, line)
            y -= style.leading


def _text(lines: Sequence[str], width: float, style: str = "body") -> Flowable:
    """Short lines as they are, or a wrapping Paragraph when one is too long."""
    chosen = _styles()[style]
    if all(
        stringWidth(line, chosen.fontName, chosen.fontSize) <= width for line in lines
    ):
        return _Lines(lines, chosen)
    return _Paragraph("<br/>".join(_e(line) for line in lines), chosen)


def _table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    commands: Sequence[tuple[Any, ...]],
    *,
    font_size: float = 8.5,
    repeat_rows: int = 0,
) -> Table:
    """A Table whose default font is embedded (ReportLab's is Helvetica)."""
    table = Table(
        [list(row) for row in rows],
        colWidths=list(widths),
        repeatRows=repeat_rows,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, font_size),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *commands,
            ]
        )
    )
    return table


# -- blocks -----------------------------------------------------------------


def _tidy_id(value: str, groups: Sequence[int]) -> str:
    """123456789 -> 123 456 789 for SIREN/SIRET; other text left as is."""
    digits = value.replace(" ", "")
    if not digits.isdigit() or len(digits) != sum(groups):
        return value
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    return fmt.NBSP.join(parts)


def _siren(value: str) -> str:
    return _tidy_id(value, (3, 3, 3))


def _siret(value: str) -> str:
    return _tidy_id(value, (3, 3, 3, 5))


def _address_lines(party: Party) -> list[str]:
    lines = [party["address"], party["address_complement"]]
    lines.append(" ".join(filter(None, [party["postcode"], party["city"]])))
    country = party["country"].upper()
    if country and country != "FR":
        lines.append(country)
    return [line for line in lines if line]


def _seller_details(doc: Document) -> list[str]:
    seller = doc.seller
    details: list[str] = []
    if seller["legal_form"] and seller["share_capital"]:
        details.append(
            f"{seller['legal_form']} au capital de {seller['share_capital']}"
        )
    elif seller["legal_form"]:
        details.append(seller["legal_form"])
    details.extend(_address_lines(seller))
    ids = []
    if seller.siren:
        ids.append(f"SIREN {_siren(seller.siren)}")
    if seller["siret"]:
        ids.append(f"SIRET {_siret(seller['siret'])}")
    if ids:
        details.append(" · ".join(ids))
    if seller["rcs"]:
        details.append(seller["rcs"])
    if seller["vat_number"]:
        details.append(f"N° TVA intracommunautaire : {seller['vat_number']}")
    return details


def _buyer_details(doc: Document) -> list[str]:
    buyer = doc.buyer
    details: list[str] = []
    if buyer["company_name"] and buyer["contact_name"]:
        details.append(f"À l'attention de {buyer['contact_name']}")
    details.extend(_address_lines(buyer))
    if buyer["vat_number"]:
        details.append(f"N° TVA intracommunautaire : {buyer['vat_number']}")
    # The buyer's SIREN is a mention of the 2026 reform: always spelt out.
    ids = []
    if buyer.siren:
        ids.append(f"SIREN {_siren(buyer.siren)}")
    if buyer["siret"]:
        ids.append(f"SIRET {_siret(buyer['siret'])}")
    if ids:
        details.append(" · ".join(ids))
    elif buyer["registration"]:
        details.append(f"Immatriculation : {buyer['registration']}")
    if buyer["accounting_code"]:
        details.append(f"Compte client : {buyer['accounting_code']}")
    return details


def _parties(doc: Document) -> Table:
    """Seller's legal block and buyer's block, side by side."""
    gap = 8 * mm
    half = (CONTENT_WIDTH - gap) / 2
    seller, buyer = doc.seller, doc.buyer
    inner = half - 18  # cell padding
    seller_name = seller["company_name"] or seller["name"]
    buyer_name = buyer["company_name"] or buyer["contact_name"]
    rows: list[list[Any]] = [
        ["ÉMETTEUR", "", "CLIENT"],
        [
            [
                _text([seller_name], inner, "party_name"),
                _text(_seller_details(doc), inner),
            ],
            "",
            [
                _text([buyer_name], inner, "party_name"),
                _text(_buyer_details(doc), inner),
            ],
        ],
    ]
    return _table(
        rows,
        [half, gap, half],
        [
            ("FONT", (0, 0), (-1, 0), BOLD, 6.8),
            ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
            ("BOX", (0, 0), (0, -1), 0.6, RULE),
            ("BOX", (2, 0), (2, -1), 0.6, RULE),
            ("BACKGROUND", (2, 0), (2, -1), ZEBRA),
            ("LEFTPADDING", (0, 0), (-1, -1), 9),
            ("RIGHTPADDING", (0, 0), (-1, -1), 9),
            ("TOPPADDING", (0, 0), (-1, 0), 7),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
            ("TOPPADDING", (0, 1), (-1, 1), 0),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
        ],
    )


def _doc_label(doc: Document) -> str:
    return "Avoir" if doc.is_credit_note else "Facture"


def _facts(doc: Document) -> Table:
    """Number, dates and sale reference in one band under the parties."""
    facts = [
        (f"{_doc_label(doc).upper()} N°", doc.number),
        ("DATE D'ÉMISSION", fmt.date(doc.issue_date)),
    ]
    if doc.sale_number:
        facts.append(("VENTE N°", doc.sale_number))
    if doc.sale_date is not None and doc.sale_date != doc.issue_date:
        facts.append(("DATE DE LA VENTE", fmt.date(doc.sale_date)))
    if doc.service_dates:
        # A booking is supplied on the day of the visit, not of the sale.
        facts.append(
            (
                "DATE DE LA PRESTATION",
                ", ".join(fmt.date(day) for day in doc.service_dates),
            )
        )
    weights = [1.5 if label.endswith("N°") else 1.0 for label, _ in facts]
    unit = CONTENT_WIDTH / sum(weights)
    return _table(
        [[label for label, _ in facts], [value for _, value in facts]],
        [weight * unit for weight in weights],
        [
            ("FONT", (0, 0), (-1, 0), BOLD, 6.8),
            ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
            ("FONT", (0, 1), (-1, 1), BOLD, 9.5),
            ("BACKGROUND", (0, 0), (-1, -1), ACCENT_SOFT),
            ("LINEBEFORE", (1, 0), (-1, -1), 1.5, colors.white),
            ("LEFTPADDING", (0, 0), (-1, -1), 9),
            ("TOPPADDING", (0, 0), (-1, 0), 6),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
            ("TOPPADDING", (0, 1), (-1, 1), 2),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 7),
        ],
    )


def _credit_note_box(doc: Document) -> Table:
    """What a credit note cancels, why, and how it was settled; or, on a
    corrected invoice, which invoice it replaces."""
    if doc.is_credit_note:
        text = [_p(_e(mentions.credit_note_reference(doc)), "reference")]
    else:
        text = [_p(_e(mentions.replacement_text(doc)), "reference")]
    if doc.reason:
        text.append(_p(f"Motif : {_e(doc.reason)}"))
    if doc.is_credit_note:
        text.append(_p(_e(mentions.credit_note_settlement(doc))))
    return _table(
        [[text]],
        [CONTENT_WIDTH],
        [
            ("LINEBEFORE", (0, 0), (0, 0), 2.5, ACCENT),
            ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
            ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ],
    )


_HEAD_ROW: list[tuple[Any, ...]] = [
    ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
    ("FONT", (0, 0), (-1, 0), BOLD, 7.2),
    ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
]


def _rate_text(rate: Decimal | None) -> str:
    return "—" if rate is None else fmt.rate(rate)


def _lines_table(doc: Document) -> Table:
    widths = [16 * mm, 27 * mm, 17 * mm, 29 * mm]
    widths.insert(0, CONTENT_WIDTH - sum(widths))
    rows: list[list[Any]] = [["DÉSIGNATION", "QTÉ", "PU HT", "TVA", "MONTANT HT"]]
    for line in doc.lines:
        rows.append(
            [
                _text((line.description or "—").splitlines(), widths[0] - 12, "cell"),
                fmt.quantity(line.quantity),
                # One rounding for every line of every document: the unit
                # price excl. VAT to the cent (the XML keeps four decimals).
                fmt.money(line.unit_price_excl),
                _rate_text(line.vat_rate),
                fmt.money(line.total_excl),
            ]
        )
    commands: list[tuple[Any, ...]] = [
        *_HEAD_ROW,
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]
    commands.extend(
        ("BACKGROUND", (0, row), (-1, row), ZEBRA) for row in range(2, len(rows), 2)
    )
    return _table(rows, widths, commands, repeat_rows=1)


def _vat_table(doc: Document, width: float) -> Table:
    widths = [width * share for share in (0.31, 0.23, 0.21, 0.25)]
    rows: list[list[Any]] = [["TAUX DE TVA", "BASE HT", "TVA", "TOTAL TTC"]]
    for row in doc.breakdown:
        label = "Hors champ" if row.vat_rate is None else fmt.rate(row.vat_rate)
        rows.append(
            [label, fmt.money(row.base), fmt.money(row.vat), fmt.money(row.total_incl)]
        )
    return _table(
        rows,
        widths,
        [
            *_HEAD_ROW,
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ],
        font_size=8,
    )


def _totals_table(doc: Document, width: float) -> Table:
    credit = doc.is_credit_note
    rows: list[list[Any]] = [
        ["Total HT", fmt.money(doc.excl)],
        ["Total TVA", fmt.money(doc.vat)],
        ["Total TTC", fmt.money(doc.incl)],
    ]
    if doc.paid and doc.due:
        rows.append(["Déjà remboursé" if credit else "Déjà réglé", fmt.money(doc.paid)])
    # The highlighted figure is what the buyer owes, or what was paid and how.
    rows.append(
        [
            _p(_e(mentions.settlement_label(doc)), "settled"),
            fmt.money(mentions.settlement_amount(doc)),
        ]
    )
    last = len(rows) - 1
    return _table(
        rows,
        [width * 0.6, width * 0.4],
        [
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("VALIGN", (0, last), (-1, last), "MIDDLE"),
            ("FONT", (0, 2), (-1, 2), BOLD, 9),
            ("LINEABOVE", (0, 2), (-1, 2), 0.6, INK),
            ("LINEBELOW", (0, 2), (-1, 2), 0.6, INK),
            ("TEXTCOLOR", (0, 3), (-1, 3), MUTED),
            ("FONT", (0, last), (-1, last), BOLD, 10.5),
            ("BACKGROUND", (0, last), (-1, last), ACCENT),
            ("TEXTCOLOR", (0, last), (-1, last), colors.white),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
            ("TOPPADDING", (0, last), (-1, last), 6),
            ("BOTTOMPADDING", (0, last), (-1, last), 7),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ],
        font_size=9,
    )


def _summary(doc: Document) -> Table:
    gap = 8 * mm
    totals_width = 72 * mm
    vat_width = CONTENT_WIDTH - gap - totals_width
    return _table(
        [[_vat_table(doc, vat_width), "", _totals_table(doc, totals_width)]],
        [vat_width, gap, totals_width],
        [
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ],
    )


def _payments(doc: Document) -> list[Flowable]:
    title = "REMBOURSEMENTS" if doc.is_credit_note else "RÈGLEMENTS"
    if doc.payments and all(p.method == mentions.OFFSET for p in doc.payments):
        title = "RÈGLEMENT DE L'AVOIR"
    flow: list[Flowable] = [_p(title, "section")]
    if not doc.payments:
        empty = (
            "Aucun remboursement à la date de l'avoir."
            if doc.is_credit_note
            else "Aucun règlement reçu à la date de la facture."
        )
        flow.append(_p(empty))
        return flow
    rows: list[list[Any]] = [["DATE", "MODE", "RÉFÉRENCE", "MONTANT"]]
    rows.extend(
        [
            fmt.date(payment.date) if payment.date else "—",
            payment.label or "—",
            payment.reference or "—",
            fmt.money(payment.amount),
        ]
        for payment in doc.payments
    )
    widths = [24 * mm, 50 * mm, 0.0, 30 * mm]
    widths[2] = CONTENT_WIDTH - sum(widths)
    flow.append(
        _table(
            rows,
            widths,
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 6.8),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ],
        )
    )
    return flow


def _legal(doc: Document) -> list[Flowable]:
    flow: list[Flowable] = [_p("CONDITIONS ET MENTIONS LÉGALES", "section")]
    texts = []
    if not doc.is_credit_note:
        # Nothing is due on a credit note: no terms, no penalties to recall.
        texts.append(
            f"<b>Conditions de paiement :</b> {_e(mentions.payment_terms(doc))}"
        )
    texts.extend(
        _e(mention.text) for mention in mentions.legal_mentions(doc) if mention.printed
    )
    flow.append(_p("<br/>".join(texts), "mention"))
    return flow


def _story(doc: Document) -> list[Flowable]:
    story: list[Flowable] = [_parties(doc), Spacer(0, 5 * mm), _facts(doc)]
    if doc.is_credit_note or doc.replaces is not None:
        story += [Spacer(0, 4 * mm), _credit_note_box(doc)]
    story += [
        Spacer(0, 6 * mm),
        _lines_table(doc),
        Spacer(0, 6 * mm),
        KeepTogether([_summary(doc)]),
        Spacer(0, 6 * mm),
        KeepTogether(_payments(doc)),
        Spacer(0, 5 * mm),
        KeepTogether(_legal(doc)),
    ]
    return story
