"""The journal as a FEC file (art. A47 A-1 LPF), and as CSV and XLSX.

FEC: the 18 columns in the article's order, a header line with their names,
tab-separated, dates AAAAMMJJ, amounts with a decimal comma and no
thousands separator, one line per debit or credit, entries numbered
continuously through the file, the file named `<SIREN>FEC<AAAAMMJJ>.txt`
after the closing date. Encoded ISO 8859-15, one of the article's character
sets, which holds "€" and every French letter.

CSV and XLSX carry the same lines and columns, for a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from openpyxl import Workbook

from comptoir.invoicing.exports import neutralise

from .journal import Entry

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SEPARATOR = "\t"
ENCODING = "iso-8859-15"
NEWLINE = "\r\n"
# A field may hold neither the separator nor a line break.
UNSAFE = re.compile(r"[\t\r\n|]+")


@dataclass(frozen=True)
class FecLine:
    """One line of the file: one debit or credit of one entry."""

    journal_code: str
    journal_label: str
    entry_number: int
    entry_date: dt.date
    account_number: str
    account_label: str
    aux_number: str
    aux_label: str
    piece_ref: str
    piece_date: dt.date
    label: str
    debit: Decimal
    credit: Decimal
    valid_date: dt.date


def fec_filename(siren: str, closing: dt.date) -> str:
    return f"{siren.replace(' ', '')}FEC{closing:%Y%m%d}.txt"


def numbered_lines(entries: Iterable[Entry]) -> Iterator[FecLine]:
    """The entries' lines, each entry numbered continuously from 1."""
    for number, entry in enumerate(entries, start=1):
        for line in entry.lines:
            yield FecLine(
                journal_code=entry.journal.number,
                journal_label=entry.journal.label,
                entry_number=number,
                entry_date=entry.date,
                account_number=line.account.number,
                account_label=line.account.label,
                aux_number=line.aux_number,
                aux_label=line.aux_label,
                piece_ref=entry.piece_ref,
                piece_date=entry.piece_date,
                label=entry.label,
                debit=line.debit,
                credit=line.credit,
                # Documents are final when issued, payments when recorded.
                valid_date=entry.date,
            )


def _text(value: str) -> str:
    return UNSAFE.sub(" ", value).strip()


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _fields(line: FecLine) -> list[str]:
    return [
        _text(line.journal_code),
        _text(line.journal_label),
        str(line.entry_number),
        f"{line.entry_date:%Y%m%d}",
        _text(line.account_number),
        _text(line.account_label),
        _text(line.aux_number),
        _text(line.aux_label),
        _text(line.piece_ref),
        f"{line.piece_date:%Y%m%d}",
        _text(line.label),
        _amount(line.debit),
        _amount(line.credit),
        "",
        "",
        f"{line.valid_date:%Y%m%d}",
        "",
        "",
    ]


def fec_chunks(entries: Iterable[Entry], batch: int = 500) -> Iterator[bytes]:
    """The FEC file, header first, in chunks of `batch` lines (streamable)."""
    yield (SEPARATOR.join(COLUMNS) + NEWLINE).encode(ENCODING)
    buffer: list[str] = []
    for line in numbered_lines(entries):
        buffer.append(SEPARATOR.join(_fields(line)))
        if len(buffer) >= batch:
            yield (NEWLINE.join(buffer) + NEWLINE).encode(ENCODING, "replace")
            buffer = []
    if buffer:
        yield (NEWLINE.join(buffer) + NEWLINE).encode(ENCODING, "replace")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The same lines as CSV for a French spreadsheet: `;`, decimal comma,
    UTF-8 with a byte-order mark, text cells made inert."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff".encode() + writer.writerow(COLUMNS).encode()
    for line in numbered_lines(entries):
        row = _fields(line)
        yield writer.writerow(
            [
                value if index in _NUMERIC else neutralise(value)
                for index, value in enumerate(row)
            ]
        ).encode()


_NUMERIC = {2, 3, 9, 11, 12, 15}


def write_xlsx(entries: Iterable[Entry], target: IO[bytes]) -> None:
    """The same lines in a worksheet, amounts as numbers, dates as dates.

    openpyxl's write-only mode streams rows to a temporary file, so memory
    stays flat; the workbook is then zipped into `target`.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("FEC")
    sheet.append(list(COLUMNS))
    for line in numbered_lines(entries):
        sheet.append(
            [
                line.journal_code,
                neutralise(line.journal_label),
                line.entry_number,
                line.entry_date,
                neutralise(line.account_number),
                neutralise(line.account_label),
                neutralise(line.aux_number),
                neutralise(line.aux_label),
                neutralise(line.piece_ref),
                line.piece_date,
                neutralise(line.label),
                line.debit,
                line.credit,
                "",
                "",
                line.valid_date,
                "",
                "",
            ]
        )
    workbook.save(target)


def xlsx_bytes(entries: Iterable[Entry]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(entries, buffer)
    return buffer.getvalue()
