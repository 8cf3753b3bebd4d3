"""Back-office accounting: the account plan and the journal exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from comptoir.accounting.models import AccountSetting, ExportJob
from comptoir.demo.world import load_demo
from comptoir.organizations.models import User
from tests import factories
from tests.accounting.fec_checker import check_fec
from tests.backoffice.conftest import signed_in

pytestmark = pytest.mark.django_db

PLAN = reverse("backoffice:accounting_plan")
EXPORTS = reverse("backoffice:accounting_exports")


def download(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def filename_of(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_cashiers_may_not_open_the_accounting_screens(as_cashier):
    assert as_cashier.get(PLAN).status_code == 403
    assert as_cashier.get(EXPORTS).status_code == 403
    assert as_cashier.post(EXPORTS, {}).status_code == 403


def test_the_plan_shows_the_defaults_and_saves_the_managers_accounts(as_manager, park):
    page = as_manager.get(PLAN, {"park": park.pk}).content.decode()
    assert "70612000" in page and "44571200" in page and "41910000" in page
    form = as_manager.get(PLAN, {"park": park.pk}).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["revenue-ticket-20_00-number"] = "706000"
    response = as_manager.post(f"{PLAN}?park={park.pk}", data)
    assert response.status_code == 302
    assert AccountSetting.objects.get(park=park).number == "706000"


def test_a_wrong_account_is_refused_in_french_and_nothing_saved(as_manager, park):
    form = as_manager.get(PLAN, {"park": park.pk}).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["revenue-ticket-20_00-number"] = "411000"
    data["vat-20_00-number"] = "abc"
    response = as_manager.post(f"{PLAN}?park={park.pk}", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce compte doit commencer par 70." in page
    assert "classe du PCG" in page
    assert not AccountSetting.objects.exists()


def test_another_organizations_park_is_not_offered(as_manager, park, other):
    response = as_manager.get(PLAN, {"park": other.park.pk})
    assert response.context["park"] == park
    assert other.park.name not in response.content.decode()


def test_a_month_streams_at_once_as_a_fec_file(as_manager, park, member, products):
    factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    today = timezone.localdate()
    response = as_manager.post(
        EXPORTS,
        {
            "park": park.pk,
            "start": today.replace(day=1).isoformat(),
            "end": today.isoformat(),
            "format": "fec",
        },
    )
    assert response.status_code == 200
    assert response.streaming
    report = check_fec(download(response), filename_of(response))
    assert report.ok, report.problems
    assert report.debit == Decimal("100.00")  # the sale and its payment


def test_a_long_period_is_queued_and_its_progress_shown(as_manager, park):
    today = timezone.localdate()
    response = as_manager.post(
        EXPORTS,
        {
            "park": park.pk,
            "start": (today - dt.timedelta(days=200)).isoformat(),
            "end": today.isoformat(),
            "format": "xlsx",
        },
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "pending"  # its task runs once the request commits
    page = as_manager.get(EXPORTS).content.decode()
    assert '<meta http-equiv="refresh"' in page
    assert "<progress" in page
    download_url = reverse(
        "backoffice:accounting_export_download", kwargs={"public_id": job.public_id}
    )
    assert as_manager.get(download_url).status_code == 404


def test_a_ready_export_is_downloaded_by_its_organization_only(
    as_manager, park, other, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        as_manager.post(
            EXPORTS,
            {
                "park": park.pk,
                "start": (today - dt.timedelta(days=90)).isoformat(),
                "end": today.isoformat(),
                "format": "fec",
            },
        )
    job = ExportJob.objects.get()
    assert job.status == "ready"
    url = reverse(
        "backoffice:accounting_export_download", kwargs={"public_id": job.public_id}
    )
    page = as_manager.get(EXPORTS).content.decode()
    assert url in page
    response = as_manager.get(url)
    assert response.status_code == 200
    assert check_fec(download(response), filename_of(response)).ok
    assert signed_in(other.manager).get(url).status_code == 404


def test_the_demo_parks_month_balances_and_matches_the_invoice_list(client):
    load_demo()
    manager = User.objects.get(email="manager@example.com")
    http = signed_in(manager)
    today = timezone.localdate()
    period = {"start": today.replace(day=1).isoformat(), "end": today.isoformat()}
    listing = http.get(reverse("backoffice:invoices"), period).context
    for park in manager.organization.parks.all():
        response = http.post(EXPORTS, {**period, "park": park.pk, "format": "fec"})
        report = check_fec(download(response), filename_of(response))
        assert report.ok, report.problems
        park_totals = http.get(
            reverse("backoffice:invoices"), {**period, "park": park.pk}
        ).context["totals"]
        sales = [row for row in report.rows if row["JournalCode"] == "VE"]
        customers = sum(
            Decimal(r["Debit"].replace(",", "."))
            - Decimal(r["Credit"].replace(",", "."))
            for r in sales
            if r["CompteNum"].startswith("411")
        )
        vat = sum(
            Decimal(r["Credit"].replace(",", "."))
            - Decimal(r["Debit"].replace(",", "."))
            for r in sales
            if r["CompteNum"].startswith("4457")
        )
        assert customers == park_totals["incl"]
        assert vat == park_totals["vat"]
        assert customers - vat == park_totals["excl"]
    assert listing["totals"]["incl"] > 0


def test_a_months_workbook_and_csv_carry_the_fec_columns(
    as_manager, park, member, products
):
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    today = timezone.localdate()
    period = {
        "park": park.pk,
        "start": today.replace(day=1).isoformat(),
        "end": today.isoformat(),
    }
    workbook = as_manager.post(EXPORTS, {**period, "format": "xlsx"})
    assert workbook.status_code == 200
    assert filename_of(workbook).endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download(workbook))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("JournalCode", "JournalLib", "EcritureNum")
    assert len(rows) == 6  # header; 411, 706, 44571 of the invoice; 512, 411
    sheet_csv = download(as_manager.post(EXPORTS, {**period, "format": "csv"}))
    assert sheet_csv.decode("utf-8-sig").count("\r\n") == 6
