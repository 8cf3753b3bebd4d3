"""The accountant's export: one line per document and VAT rate.

Rows come from `InvoiceTaxLine` (the per-rate totals frozen at issue) and
the buyer as it was at issue (the snapshot), so the export of a period never
changes. Credit notes are negative, so the sum of a column equals the signed
total of the documents listed on screen.

Text cells that a spreadsheet would read as a formula (starting with = + -
@ or a tab / carriage return) are prefixed with an apostrophe (OWASP "CSV
injection"); amounts are numbers and are written as such.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import DocumentKind, Invoice

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters a worksheet (XML) cannot hold, such as control characters:
# openpyxl refuses them. They go before the check, so none hides a formula.
NOT_IN_A_CELL = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def neutralise(value: str) -> str:
    """Make a text cell inert for spreadsheets (formula injection)."""
    value = NOT_IN_A_CELL.sub("", str(value))
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportRow:
    issue_date: dt.date
    number: str
    kind: str
    sale_number: str
    park_code: str
    client_name: str
    accounting_code: str
    vat_rate: Decimal | None
    excl: Decimal
    vat: Decimal
    incl: Decimal


def headers() -> list[str]:
    return [
        _("Date"),
        _("Numéro"),
        _("Type"),
        _("Vente no"),
        _("Parc"),
        _("Client"),
        _("Compte tiers"),
        _("Taux de TVA"),
        _("Montant HT"),
        _("TVA"),
        _("Montant TTC"),
    ]


def export_rows(documents: QuerySet[Invoice]) -> Iterator[ExportRow]:
    """Rows of the given documents, oldest first, credit notes negative.

    One query, one row per tax line, streamed from a server-side cursor:
    only the listed columns travel, the buyer's accounting code is read from
    the snapshot by the database, and memory stays flat whatever the period.
    """
    rows = documents.order_by(
        "issue_date",
        "issued_at",
        "pk",
        F("tax_lines__vat_rate").desc(nulls_last=True),
    ).values_list(
        "issue_date",
        "number",
        "kind",
        "sale_number",
        "park__public_code",
        "buyer_name",
        KT("snapshot__buyer__accounting_code"),
        "tax_lines__vat_rate",
        "tax_lines__base",
        "tax_lines__vat",
        "tax_lines__total_incl",
    )
    labels = {kind: str(label) for kind, label in DocumentKind.choices}
    for (
        issue_date,
        number,
        kind,
        sale_number,
        park_code,
        buyer_name,
        accounting_code,
        vat_rate,
        base,
        vat,
        incl,
    ) in rows.iterator(chunk_size=2000):
        if base is None:  # a document without tax lines has nothing to export
            continue
        sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
        yield ExportRow(
            issue_date=issue_date,
            number=number,
            kind=labels[kind],
            sale_number=sale_number,
            park_code=park_code,
            client_name=buyer_name,
            accounting_code=accounting_code or "",
            vat_rate=vat_rate,
            excl=sign * base,
            vat=sign * vat,
            incl=sign * incl,
        )


def _decimal_fr(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _text_cells(row: ExportRow) -> list[str]:
    return [
        neutralise(row.number),
        neutralise(row.kind),
        neutralise(row.sale_number),
        neutralise(row.park_code),
        neutralise(row.client_name),
        neutralise(row.accounting_code),
    ]


def _rate_label(rate: Decimal | None) -> str:
    return _("Hors champ") if rate is None else _decimal_fr(rate)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[ExportRow]) -> Iterator[str]:
    """CSV as French spreadsheets and accounting software read it: UTF-8 with
    BOM, ";" separated, decimal comma, dates dd/mm/yyyy. Streamable."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(headers())
    for row in rows:
        yield writer.writerow(
            [row.issue_date.strftime("%d/%m/%Y")]
            + _text_cells(row)
            + [
                _rate_label(row.vat_rate),
                _decimal_fr(row.excl),
                _decimal_fr(row.vat),
                _decimal_fr(row.incl),
            ]
        )


def xlsx_bytes(rows: Iterable[ExportRow]) -> bytes:
    """The same rows as an Excel workbook: real dates and numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Export comptable"))
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["F"].width = 30
    bold = Font(bold=True)
    header = []
    for title in headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        # openpyxl writes dates and Decimals; its stubs only list datetime/float.
        cells = [WriteOnlyCell(sheet, value=row.issue_date)]  # type: ignore[arg-type]
        cells[0].number_format = "DD/MM/YYYY"
        for text in _text_cells(row):
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        rate = WriteOnlyCell(
            sheet,
            value=_rate_label(None) if row.vat_rate is None else row.vat_rate,  # type: ignore[arg-type]
        )
        cells.append(rate)
        for amount in (row.excl, row.vat, row.incl):
            cell = WriteOnlyCell(sheet, value=amount)  # type: ignore[arg-type]
            cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
