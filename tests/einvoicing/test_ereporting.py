"""B2C e-reporting: per day, VAT rate and category, numbered, stored, re-sendable."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from comptoir.core.money import excl_from_incl
from comptoir.einvoicing.models import EReport, ReportState
from comptoir.einvoicing.services.reporting import (
    create_report,
    period_of,
    resend_report,
    send_report,
    sync_reports,
)
from comptoir.sales.models import Channel, PaymentMethod
from comptoir.sales.services import Item, create_sale, record_payment
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PARIS = ZoneInfo("Europe/Paris")
DAY = dt.date(2027, 9, 14)


def _sale(park, client, items, when, channel, n=[0]):  # noqa: B006
    n[0] += 1
    sale = create_sale(park=park, client=client, channel=channel, items=items)
    record_payment(
        sale=sale,
        provider="test",
        reference=f"er-{n[0]}-{sale.pk}",
        amount=sale.total_incl,
        method=PaymentMethod.CARD,
        received_at=when,
    )
    return sale


@pytest.fixture
def day_of_sales(park, products, member):
    """Counter and online sales to individuals on DAY, plus what must stay out."""
    at = dt.datetime.combine(DAY, dt.time(10, 0), tzinfo=PARIS)
    individual = factories.client(park, complete=False, last_name="Dupont")
    p = products
    b2c = [
        _sale(
            park, None, [Item(p["ticket"], 2), Item(p["snack"], 1)], at, Channel.COUNTER
        ),
        _sale(park, None, [Item(p["socks"], 3)], at, Channel.COUNTER),
        _sale(
            park,
            individual,
            [Item(p["laser"], 2), Item(p["ticket"], 1)],
            at,
            Channel.ONLINE,
        ),
        # Late evening in Paris is still DAY (UTC already says the next day).
        _sale(
            park,
            None,
            [Item(p["snack"], 1)],
            dt.datetime.combine(DAY, dt.time(23, 30), tzinfo=PARIS),
            Channel.COUNTER,
        ),
    ]
    # Out of the report: a company with a SIREN (e-invoiced), another day,
    # and a gift voucher (outside the scope of VAT).
    _sale(park, member, [Item(p["ticket"], 5)], at, Channel.COUNTER)
    _sale(
        park, None, [Item(p["ticket"], 7)], at + dt.timedelta(days=1), Channel.COUNTER
    )
    _sale(park, None, [Item(p["voucher"], 1)], at, Channel.COUNTER)
    return b2c


def _expected_per_rate(sales) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for sale in sales:
        for line in sale.lines.all():
            totals[f"{line.vat_rate:.2f}"] += line.total_incl
    return dict(totals)


def test_a_days_report_totals_equal_that_days_sales_to_individuals_per_rate(
    park, day_of_sales, einvoicing
):
    start, end = period_of(DAY, "decade")
    report = create_report(park=park, start=start, end=end)

    day_lines = [
        line
        for line in report.totals["lines"]
        if line["kind"] == "transactions" and line["date"] == DAY.isoformat()
    ]
    per_rate: dict[str, Decimal] = defaultdict(Decimal)
    for line in day_lines:
        per_rate[line["rate"]] += Decimal(line["total"])
        assert Decimal(line["base"]) + Decimal(line["vat"]) == Decimal(line["total"])
        assert Decimal(line["base"]) == excl_from_incl(
            Decimal(line["total"]), Decimal(line["rate"])
        )
    assert dict(per_rate) == _expected_per_rate(day_of_sales)
    assert dict(per_rate) == {
        "20.00": Decimal("100.50"),  # 2×30 + 3×3.50 + 30
        "10.00": Decimal("40.00"),  # 2×20
        "5.50": Decimal("50.00"),  # 2×25 (laser game, a service)
    }
    categories = {(line["rate"], line["category"]) for line in day_lines}
    assert ("20.00", "TPS1") in categories and ("20.00", "TLB1") in categories
    assert ("10.00", "TLB1") in categories and ("5.50", "TPS1") in categories


def test_payments_for_services_to_individuals_are_reported_per_day_and_rate(
    park, day_of_sales, einvoicing
):
    start, end = period_of(DAY, "decade")
    report = create_report(park=park, start=start, end=end)
    payments = {
        line["rate"]: Decimal(line["total"])
        for line in report.totals["lines"]
        if line["kind"] == "payments" and line["date"] == DAY.isoformat()
    }
    # Services only: tickets (20 %) and the laser game (5.5 %).
    assert payments == {"20.00": Decimal("90.00"), "5.50": Decimal("50.00")}


def test_reports_are_numbered_stored_and_sent_once_per_period(
    park, day_of_sales, einvoicing, standin
):
    start, end = period_of(DAY, "decade")
    assert (start, end) == (dt.date(2027, 9, 11), dt.date(2027, 9, 20))
    report = create_report(park=park, start=start, end=end)
    assert create_report(park=park, start=start, end=end) == report
    assert report.number == f"ER-{park.invoice_series}-000001"
    xml = etree.fromstring(report.content.encode())
    assert xml.get("number") == report.number

    report = send_report(report_id=report.pk)
    assert report.state == ReportState.ACCEPTED
    [flow] = standin.submitted(syntax="FRR")
    assert flow["processingRule"] == "B2C"
    assert flow["_content"] == report.content.encode()

    send_report(report_id=report.pk)  # already sent: nothing more
    assert len(standin.submitted(syntax="FRR")) == 1

    report = resend_report(report=report)
    assert report.sends == 2 and report.state == ReportState.ACCEPTED
    flows = standin.submitted(syntax="FRR")
    assert len(flows) == 2 and flows[1]["_content"] == flows[0]["_content"]
    assert flows[0]["trackingId"] != flows[1]["trackingId"]


def test_the_schedule_builds_each_ended_period_once_by_decade_or_month(
    organization, park, einvoicing, standin
):
    einvoicing.reporting_since = dt.date(2027, 9, 1)
    einvoicing.save()
    now = dt.datetime(2027, 10, 5, 12, 0, tzinfo=PARIS)
    assert sync_reports(config=einvoicing, now=now) == 3  # 1-10, 11-20, 21-30 Sept.
    assert sync_reports(config=einvoicing, now=now) == 0
    periods = list(
        EReport.objects.order_by("sequence").values_list("period_start", "period_end")
    )
    assert periods == [
        (dt.date(2027, 9, 1), dt.date(2027, 9, 10)),
        (dt.date(2027, 9, 11), dt.date(2027, 9, 20)),
        (dt.date(2027, 9, 21), dt.date(2027, 9, 30)),
    ]
    assert len(standin.submitted(syntax="FRR")) == 3

    einvoicing.reporting_period = "month"
    einvoicing.reporting_since = dt.date(2027, 10, 1)
    einvoicing.save()
    later = dt.datetime(2027, 12, 2, 12, 0, tzinfo=PARIS)
    assert sync_reports(config=einvoicing, now=later) == 2  # October, November
    assert EReport.objects.filter(
        period_start=dt.date(2027, 11, 1), period_end=dt.date(2027, 11, 30)
    ).exists()


def test_a_report_the_platform_could_not_take_stays_ready_and_is_sent_later(
    park, day_of_sales, einvoicing, standin
):
    start, end = period_of(DAY, "month")
    report = create_report(park=park, start=start, end=end)
    standin.fail_next = 1
    report = send_report(report_id=report.pk)
    assert report.state == ReportState.READY and report.sends == 0
    assert "503" in report.last_error
    report = send_report(report_id=report.pk)
    assert report.state == ReportState.ACCEPTED
    assert len(standin.submitted(syntax="FRR")) == 1
