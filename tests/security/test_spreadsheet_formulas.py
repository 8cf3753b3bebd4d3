"""No text of the accounting export can run as a spreadsheet formula, and
no text a client typed can break the export or its invoices.

The fixed cases are in tests/backoffice/test_exports.py; here hypothesis
tries any text, through `neutralise` and through both file writers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from comptoir.invoicing.exports import (
    FORMULA_PREFIXES,
    NOT_IN_A_CELL,
    ExportRow,
    csv_lines,
    neutralise,
    xlsx_bytes,
)
from comptoir.invoicing.services.documents import pdf_bytes
from tests import factories

TEXT_COLUMNS = slice(1, 7)  # number … accounting code
hostile = st.one_of(
    st.text(max_size=40),
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                ["=", "+", "-", "@", "\t", "\r", "\n", "\x00", "\x0b", "\x1f", " "]
                + ["'", '"', ";", "SUM(A1)", "cmd|' /C calc'!A0", "é", "€"]
            ),
            max_size=8,
        ),
    ),
)


def inert(cell: str) -> bool:
    return not cell.startswith(FORMULA_PREFIXES)


@given(hostile)
@settings(max_examples=200, deadline=None)
def test_neutralised_text_never_starts_a_formula(value):
    result = neutralise(value)
    assert inert(result)
    kept = NOT_IN_A_CELL.sub("", value)
    assert result == (kept if inert(kept) else "'" + kept)


def row(texts: list[str]) -> ExportRow:
    number, kind, sale_number, park_code, client, account = texts
    return ExportRow(
        issue_date=dt.date(2024, 3, 5),
        number=number,
        kind=kind,
        sale_number=sale_number,
        park_code=park_code,
        client_name=client,
        accounting_code=account,
        vat_rate=Decimal("20.00"),
        excl=Decimal("-25.00"),
        vat=Decimal("-5.00"),
        incl=Decimal("-30.00"),
    )


@given(st.lists(st.lists(hostile, min_size=6, max_size=6), min_size=1, max_size=3))
@settings(max_examples=40, deadline=None)
def test_no_csv_cell_can_run_as_a_formula(rows):
    text = "".join(csv_lines(row(texts) for texts in rows)).removeprefix("\ufeff")
    header, *cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(cells) == len(rows)
    for written, texts in zip(cells, rows, strict=True):
        for cell, original in zip(written[TEXT_COLUMNS], texts, strict=True):
            assert inert(cell)
            assert cell == neutralise(original)
        assert written[-1] == "-30,00"  # amounts stay numbers


@given(st.lists(st.lists(hostile, min_size=6, max_size=6), min_size=1, max_size=3))
@settings(max_examples=40, deadline=None)
def test_no_xlsx_cell_is_a_formula(rows):
    sheet = load_workbook(io.BytesIO(xlsx_bytes(row(t) for t in rows))).active
    written = list(sheet.iter_rows(min_row=2))
    assert len(written) == len(rows)
    for cells in written:
        assert all(cell.data_type != "f" for cell in cells)
        for cell in cells[TEXT_COLUMNS]:
            assert inert(cell.value or "")
        assert cells[-1].value == -30


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_control_characters_in_a_client_record_break_neither_invoice_nor_export(
    park, group, products, manager, client
):
    """They used to: lxml refused them in the Factur-X XML (the invoice could
    never be rendered) and openpyxl in the spreadsheet (500 on export)."""
    buyer = factories.client(
        park,
        groups=[group],
        company_name="EVIL\x01\x0bCORP\ufffe",
        accounting_code="\x02=1+1",
        address="1 rue\x1f des Loisirs",
    )
    sale = factories.paid_online_sale(
        park, buyer, factories.basket(products, ("ticket", 1))
    )
    assert pdf_bytes(sale.invoices.get()).startswith(b"%PDF")

    client.force_login(manager)
    response = client.get("/backoffice/factures/export.xlsx")
    assert response.status_code == 200
    cells = [c.value for c in load_workbook(io.BytesIO(response.content)).active[2]]
    assert "EVILCORP" in cells
    assert "'=1+1" in cells
