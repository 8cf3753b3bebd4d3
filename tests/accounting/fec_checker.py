"""A structural check of a FEC file, written from article A47 A-1 of the LPF.

What the article (and the administration's own "Test Compta Demat" tool)
requires of a flat file of variable-length records, checked line by line:

- name `<SIREN>FEC<AAAAMMJJ>.txt`, AAAAMMJJ the closing date;
- first line: the 18 field names, in order, JournalCode … Idevise;
- fields separated by a tabulation or a vertical bar, the same throughout;
- dates AAAAMMJJ; amounts with a decimal comma, no thousands separator;
- CompteNum: its first three characters are digits (the PCG's classes);
- EcritureNum: a continuous sequence; the lines of an entry are together
  and share journal and date; entries in chronological order;
- each entry balances (sum of debits = sum of credits), so the file does;
- mandatory fields filled; CompAuxLib given with CompAuxNum; the
  optional ones (lettering, foreign currency) blank or well formed.

Independent of Comptoir's own code on purpose: it reads bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

COLUMNS = [
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
]
MANDATORY = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "ValidDate",
]
FILENAME = re.compile(r"^(\d{9})FEC(\d{8})\.txt$")
AMOUNT = re.compile(r"^-?\d+(,\d{1,2})?$")


@dataclass
class FecReport:
    problems: list[str] = field(default_factory=list)
    entries: int = 0
    lines: int = 0
    debit: Decimal = Decimal("0.00")
    credit: Decimal = Decimal("0.00")
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_account(self) -> dict[str, Decimal]:
        """Balance (debit − credit) of each account."""
        totals: dict[str, Decimal] = {}
        for row in self.rows:
            totals[row["CompteNum"]] = (
                totals.get(row["CompteNum"], Decimal(0))
                + amount(row["Debit"])
                - amount(row["Credit"])
            )
        return totals


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def check_fec(data: bytes, filename: str, encoding: str = "iso-8859-15") -> FecReport:
    report = FecReport()
    problems = report.problems
    name = FILENAME.match(filename)
    if not name:
        problems.append(f"file name {filename!r} is not <SIREN>FEC<AAAAMMJJ>.txt")
    elif _date(name.group(2)) is None:
        problems.append(f"closing date {name.group(2)} in the file name is no date")
    text = data.decode(encoding)
    lines = text.splitlines()
    if not lines:
        problems.append("empty file")
        return report
    header = lines[0]
    separator = "\t" if "\t" in header else "|"
    if header.split(separator) != COLUMNS:
        problems.append(f"header is not the 18 names in order: {header!r}")
        return report

    previous_number = 0
    previous_date: dt.date | None = None
    current: dict[str, str] | None = None
    entry_debit = entry_credit = Decimal(0)

    def close_entry() -> None:
        if current is not None and entry_debit != entry_credit:
            problems.append(
                f"entry {current['EcritureNum']} does not balance: "
                f"{entry_debit} != {entry_credit}"
            )

    for index, raw in enumerate(lines[1:], start=2):
        fields = raw.split(separator)
        if len(fields) != len(COLUMNS):
            problems.append(f"line {index}: {len(fields)} fields, not 18")
            continue
        row = dict(zip(COLUMNS, fields, strict=True))
        report.rows.append(row)
        report.lines += 1
        for column in MANDATORY:
            if not row[column].strip():
                problems.append(f"line {index}: {column} is empty")
        for column in ("EcritureDate", "PieceDate", "ValidDate"):
            if _date(row[column]) is None:
                problems.append(f"line {index}: {column} {row[column]!r} not AAAAMMJJ")
        if row["DateLet"] and _date(row["DateLet"]) is None:
            problems.append(f"line {index}: DateLet {row['DateLet']!r} not AAAAMMJJ")
        for column in ("Debit", "Credit"):
            if not AMOUNT.match(row[column]):
                problems.append(f"line {index}: {column} {row[column]!r} is no amount")
        if row["Montantdevise"] and not AMOUNT.match(row["Montantdevise"]):
            problems.append(f"line {index}: Montantdevise is no amount")
        if row["Montantdevise"] and not row["Idevise"]:
            problems.append(f"line {index}: Montantdevise without Idevise")
        if not re.match(r"^\d{3}", row["CompteNum"]):
            problems.append(f"line {index}: CompteNum {row['CompteNum']!r} not PCG")
        if row["CompAuxNum"] and not row["CompAuxLib"]:
            problems.append(f"line {index}: CompAuxNum without CompAuxLib")
        if problems and problems[-1].startswith(f"line {index}:"):
            continue
        debit, credit = amount(row["Debit"]), amount(row["Credit"])
        report.debit += debit
        report.credit += credit
        if current is None or row["EcritureNum"] != current["EcritureNum"]:
            close_entry()
            if not row["EcritureNum"].isdigit() or int(row["EcritureNum"]) != (
                previous_number + 1
            ):
                problems.append(
                    f"line {index}: entry number {row['EcritureNum']} after "
                    f"{previous_number} breaks the continuous sequence"
                )
            else:
                previous_number = int(row["EcritureNum"])
            day = _date(row["EcritureDate"])
            if previous_date and day and day < previous_date:
                problems.append(f"line {index}: entries not in chronological order")
            previous_date = day
            current = row
            entry_debit = entry_credit = Decimal(0)
            report.entries += 1
        elif (row["JournalCode"], row["EcritureDate"]) != (
            current["JournalCode"],
            current["EcritureDate"],
        ):
            problems.append(f"line {index}: one entry on two journals or dates")
        entry_debit += debit
        entry_credit += credit
    close_entry()
    if report.debit != report.credit:
        problems.append(f"file does not balance: {report.debit} != {report.credit}")
    return report
