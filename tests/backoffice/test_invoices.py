"""The accountant's list: filters, totals, files and exports that add up."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from comptoir.invoicing.models import Invoice
from comptoir.sales.services import refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

INVOICES = reverse("backoffice:invoices")


@pytest.fixture
def documents(park, member, manager, products):
    """Two invoices (one at 20 % + 10 %, one voucher) and a partial credit note."""
    mixed = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    voucher = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    snack = mixed.lines.get(product=products["snack"])
    refund_sale(
        sale=mixed, quantities={snack.pk: 1}, method="cash", actor=manager, reason="x"
    )
    return {"mixed": mixed, "voucher": voucher}


def page_totals(http, **params) -> dict[str, Decimal]:
    totals = http.get(INVOICES, params).context["totals"]
    return {key: Decimal(value) for key, value in totals.items()}


def csv_rows(http, **params) -> list[dict]:
    response = http.get(reverse("backoffice:invoices_csv"), params)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def french(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


def test_the_list_shows_invoices_and_credit_notes_with_signed_totals(
    as_manager, documents
):
    totals = page_totals(as_manager)
    # 30 + 20 + 150 invoiced, 20 credited
    assert totals["incl"] == Decimal("180.00")
    assert totals["excl"] == Decimal("25.00") + Decimal("150.00")
    assert totals["vat"] == Decimal("5.00")
    content = as_manager.get(INVOICES).content.decode()
    assert "Avoir" in content and "Facture" in content
    assert "180,00" in content


def test_filters_by_kind_client_park_and_period(
    as_manager, organization, park, documents, products
):
    notes = as_manager.get(INVOICES, {"kind": "credit_note"}).context["page"]
    assert [d.kind for d in notes] == ["credit_note"]
    assert page_totals(as_manager, kind="credit_note")["incl"] == Decimal("-20.00")

    second = factories.park(organization)
    other_client = factories.client(second, last_name="ZORRO", company_name="ZORRO SA")
    factories.paid_online_sale(
        second,
        other_client,
        factories.basket(factories.products(second), ("ticket", 1)),
    )
    assert len(as_manager.get(INVOICES).context["page"]) == 3  # not eligible: none
    other_client.groups.add(*documents["mixed"].client.groups.all())
    sale = factories.paid_online_sale(
        second,
        other_client,
        factories.basket(factories.products(second), ("ticket", 1)),
    )
    at_second = as_manager.get(INVOICES, {"park": second.pk}).context["page"]
    assert [d.sale_id for d in at_second] == [sale.pk]
    by_client = as_manager.get(INVOICES, {"client": "zorro"}).context["page"]
    assert [d.sale_id for d in by_client] == [sale.pk]
    today = dt.date.today()
    assert (
        len(
            as_manager.get(INVOICES, {"start": today + dt.timedelta(days=2)}).context[
                "page"
            ]
        )
        == 0
    )


def test_the_csv_export_has_one_line_per_document_and_rate_adding_up_to_the_list(
    as_manager, documents
):
    rows = csv_rows(as_manager)
    mixed_invoice = documents["mixed"].invoices.get(kind="invoice")
    lines = [r for r in rows if r["Numéro"] == mixed_invoice.number]
    assert sorted(r["Taux de TVA"] for r in lines) == ["10,00", "20,00"]
    assert len(rows) == 4  # 2 rates + voucher + credit note
    totals = page_totals(as_manager)
    assert sum(french(r["Montant HT"]) for r in rows) == totals["excl"]
    assert sum(french(r["TVA"]) for r in rows) == totals["vat"]
    assert sum(french(r["Montant TTC"]) for r in rows) == totals["incl"]
    note = next(r for r in rows if r["Type"] == "Avoir")
    assert french(note["Montant TTC"]) == Decimal("-20.00")
    assert note["Compte tiers"] == "491123456"
    assert note["Client"] == "BAYCORP INC"


def test_the_xlsx_export_adds_up_to_the_filtered_list(as_manager, documents):
    response = as_manager.get(reverse("backoffice:invoices_xlsx"), {"kind": "invoice"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[-3:] == ("Montant HT", "TVA", "Montant TTC")
    totals = page_totals(as_manager, kind="invoice")
    assert len(rows) == 3
    assert sum(Decimal(str(r[-1])) for r in rows) == totals["incl"]
    assert sum(Decimal(str(r[-3])) for r in rows) == totals["excl"]
    assert isinstance(rows[0][0], dt.datetime)


def test_exports_neutralise_formula_injection(as_manager, park, group, products):
    client = factories.client(
        park,
        groups=[group],
        company_name='=HYPERLINK("http://evil.example","x")',
        accounting_code="@SUM(1+1)",
    )
    factories.paid_online_sale(park, client, factories.basket(products, ("ticket", 1)))
    [row] = csv_rows(as_manager)
    assert row["Client"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["Compte tiers"] == "'@SUM(1+1)"

    response = as_manager.get(reverse("backoffice:invoices_xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {cell.value: cell.data_type for cell in workbook.active[2]}
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert all(kind != "f" for kind in cells.values())


def test_one_zip_holds_every_pdf_of_the_period(as_manager, documents):
    response = as_manager.get(reverse("backoffice:invoices_zip"))
    assert response["Content-Disposition"].endswith('.zip"')
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(names) == 3
    assert sorted(n.split("/")[1][:-4] for n in names) == numbers
    assert any(n.startswith("avoirs/AV-") for n in names)
    assert all(archive.read(n).startswith(b"%PDF") for n in names)


def test_invalid_filters_export_nothing_rather_than_everything(as_manager, documents):
    params = {"start": "2030-01-02", "end": "2030-01-01"}
    page = as_manager.get(INVOICES, params)
    assert "La fin de la période précède son début." in page.content.decode()
    assert page.context["totals"]["incl"] == Decimal("0.00")
    assert csv_rows(as_manager, **params) == []
