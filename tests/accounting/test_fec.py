"""The FEC file passes a structural check written from article A47 A-1 LPF;
CSV and XLSX carry the same lines."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from comptoir.accounting import fec
from comptoir.accounting.services import export_filename, period_entries
from tests import factories
from tests.accounting.fec_checker import COLUMNS, check_fec

pytestmark = pytest.mark.django_db


def fec_file(book) -> tuple[bytes, str]:
    entries = period_entries(park=book.park, date_from=book.start, date_to=book.end)
    name = export_filename(book.park, "fec", book.start, book.end)
    return b"".join(fec.fec_chunks(entries)), name


def test_the_fec_file_passes_the_structural_check(book):
    data, name = fec_file(book)
    report = check_fec(data, name)
    assert report.ok, report.problems
    assert report.entries == book.documents.count() + 6
    assert report.debit == report.credit > 0
    assert name == f"{book.park.siren}FEC{book.end:%Y%m%d}.txt"


def test_columns_dates_and_amounts_are_written_as_the_article_says(book):
    data, _name = fec_file(book)
    header, first, *_rest = data.decode("iso-8859-15").split("\r\n")
    assert header.split("\t") == COLUMNS
    fields = first.split("\t")
    assert len(fields) == 18
    assert fields[0] == "VE" and fields[2] == "1"
    assert fields[3] == f"{book.seed.invoices.get().issue_date:%Y%m%d}"
    assert fields[4] == "41100000" and fields[6] == "491123456"
    assert fields[11] == "50,00" and fields[12] == "0,00"
    assert fields[8] == book.seed.invoices.get().number


def test_the_checker_catches_what_the_article_forbids(book):
    data, name = fec_file(book)
    text = data.decode("iso-8859-15")
    assert not check_fec(data, name).problems
    lines = text.split("\r\n")

    def broken(change) -> list[str]:
        copy = list(lines)
        change(copy)
        return check_fec("\r\n".join(copy).encode("iso-8859-15"), name).problems

    def unbalance(rows):
        rows[1] = rows[1].replace("\t50,00\t", "\t50,01\t")

    def gap(rows):
        for index in range(1, len(rows)):
            fields = rows[index].split("\t")
            if len(fields) == 18 and int(fields[2]) >= 3:
                fields[2] = str(int(fields[2]) + 1)
                rows[index] = "\t".join(fields)

    def dotted(rows):
        rows[1] = rows[1].replace("\t50,00\t", "\t50.00\t")

    def iso_date(rows):
        fields = rows[1].split("\t")
        fields[3] = f"{fields[3][:4]}-{fields[3][4:6]}-{fields[3][6:]}"
        rows[1] = "\t".join(fields)

    def seventeen(rows):
        rows[1] = rows[1].rsplit("\t", 1)[0]

    assert any("does not balance" in p for p in broken(unbalance))
    assert any("continuous sequence" in p for p in broken(gap))
    assert any("no amount" in p for p in broken(dotted))
    assert any("not AAAAMMJJ" in p for p in broken(iso_date))
    assert any("not 18" in p for p in broken(seventeen))
    assert check_fec(data, "FEC.txt").problems


def test_csv_and_xlsx_carry_the_same_lines(book):
    entries = list(
        period_entries(park=book.park, date_from=book.start, date_to=book.end)
    )
    data, name = fec_file(book)
    report = check_fec(data, name)
    rows = list(
        csv.reader(
            io.StringIO(b"".join(fec.csv_chunks(entries)).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0] == COLUMNS
    assert len(rows) - 1 == report.lines
    assert [r[11] for r in rows[1:]] == [r["Debit"] for r in report.rows]
    sheet = load_workbook(io.BytesIO(fec.xlsx_bytes(entries))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == COLUMNS
    assert len(values) - 1 == report.lines
    assert sum(Decimal(str(v[11])) for v in values[1:]) == report.debit
    assert sum(Decimal(str(v[12])) for v in values[1:]) == report.credit


def test_text_fields_hold_no_separator_or_line_break(book, products):
    book.member.company_name = "BAY\tCORP\nINC"
    book.member.save()
    factories.paid_online_sale(
        book.park, book.member, factories.basket(products, ("ticket", 1))
    )
    data, name = fec_file(book)
    report = check_fec(data, name)
    assert report.ok, report.problems
    assert any(row["CompAuxLib"] == "BAY CORP INC" for row in report.rows)
