"""B2C e-reporting: sales to individuals and payments for services, per day,
VAT rate and category, in numbered reports per park and period."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks import task
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

from comptoir.catalog.models import NATURE_BY_KIND, ProductKind
from comptoir.core import audit
from comptoir.core.clock import business_date
from comptoir.core.money import ZERO, allocate, excl_from_incl
from comptoir.core.numbering import lock_counter, take_next
from comptoir.organizations.models import Park, User
from comptoir.sales.models import Payment, Sale, SaleStatus

from ..models import EInvoicingSettings, EReport, ReportingPeriod, ReportState
from ..platforms import NotConfigured, PlatformError, platform_for
from .cashed import LEASE

NAMESPACE = "urn:comptoir:e-reporting:b2c:1"
# Transaction categories of the French e-reporting (goods, services).
CATEGORY = {"goods": "TLB1", "services": "TPS1"}
COUNTER_KEY = "einvoicing:ereport"


def period_of(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The reporting period holding `day`: its decade (1–10, 11–20, 21–end)
    or its month."""
    last = calendar.monthrange(day.year, day.month)[1]
    if period == ReportingPeriod.MONTH:
        return day.replace(day=1), day.replace(day=last)
    if day.day <= 10:
        return day.replace(day=1), day.replace(day=10)
    if day.day <= 20:
        return day.replace(day=11), day.replace(day=20)
    return day.replace(day=21), day.replace(day=last)


def is_b2c(sale: Sale) -> bool:
    """A sale to an individual: no client, or a client without a SIREN (a
    sale to a company with a SIREN is e-invoiced, not e-reported)."""
    return sale.client is None or not sale.client.siren


def _b2c_sales(park: Park) -> QuerySet[Sale]:
    return (
        Sale.objects.filter(park=park, status=SaleStatus.PAID)
        .select_related("client")
        .prefetch_related("lines")
    )


def _amounts(incl: Decimal, rate: Decimal) -> dict[str, str]:
    excl = excl_from_incl(incl, rate)
    return {"base": f"{excl:.2f}", "vat": f"{incl - excl:.2f}", "total": f"{incl:.2f}"}


def _service_shares(sale: Sale) -> dict[Decimal, Decimal]:
    """The sale's taxable services, incl. VAT, per rate."""
    shares: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in sale.lines.all():
        if line.vat_rate is None or line.net_quantity <= 0:
            continue
        if NATURE_BY_KIND[ProductKind(line.product_kind)] == "services":
            shares[line.vat_rate] += line.unit_price_incl * line.net_quantity
    return shares


def compute_lines(*, park: Park, start: dt.date, end: dt.date) -> list[dict[str, str]]:
    """The report's lines: transactions by sale date, payments of services by
    date received; gift vouchers (outside the scope of VAT) are not reported."""
    transactions: dict[tuple, Decimal] = defaultdict(Decimal)
    counts: dict[tuple, int] = defaultdict(int)
    for sale in _b2c_sales(park).filter(sale_date__range=(start, end)):
        if not is_b2c(sale):
            continue
        for line in sale.lines.all():
            if line.vat_rate is None or line.net_quantity <= 0:
                continue
            nature = NATURE_BY_KIND[ProductKind(line.product_kind)]
            key = (sale.sale_date, line.vat_rate, CATEGORY[nature])
            transactions[key] += line.unit_price_incl * line.net_quantity
            counts[key] += 1
    payments: dict[tuple, Decimal] = defaultdict(Decimal)
    window = (
        dt.datetime.combine(start, dt.time.min) - dt.timedelta(days=1),
        dt.datetime.combine(end, dt.time.max) + dt.timedelta(days=1),
    )
    received = Payment.objects.filter(
        sale__park=park,
        sale__status=SaleStatus.PAID,
        received_at__range=[timezone.make_aware(w, dt.UTC) for w in window],
    ).select_related("sale", "sale__client")
    for payment in received:
        day = business_date(payment.received_at, park.time_zone)
        if not (start <= day <= end) or not is_b2c(payment.sale):
            continue
        shares = _service_shares(payment.sale)
        if not shares or not payment.sale.total_incl:
            continue
        rates = sorted(shares)
        others = payment.sale.total_incl - sum(shares.values(), ZERO)
        parts = allocate(
            payment.amount, [shares[r] for r in rates] + [max(others, ZERO)]
        )
        for rate, part in zip(rates, parts):
            payments[(day, rate, CATEGORY["services"])] += part
    lines = []
    for kind, data in (("transactions", transactions), ("payments", payments)):
        for (day, rate, category), incl in sorted(data.items()):
            lines.append(
                {
                    "kind": kind,
                    "date": day.isoformat(),
                    "rate": f"{rate:.2f}",
                    "category": category,
                    "count": str(counts.get((day, rate, category), 0)),
                    **_amounts(incl, rate),
                }
            )
    return lines


def _xml(report: EReport, park: Park, lines: list[dict[str, str]]) -> str:
    root = etree.Element(f"{{{NAMESPACE}}}Report", nsmap={None: NAMESPACE})
    root.set("number", report.number)
    root.set("periodStart", report.period_start.isoformat())
    root.set("periodEnd", report.period_end.isoformat())
    seller = etree.SubElement(root, f"{{{NAMESPACE}}}Seller")
    seller.set("siren", park.siren)
    seller.set("vatNumber", park.vat_number)
    seller.set("name", park.company_name)
    for kind, tag in (("transactions", "Transactions"), ("payments", "Payments")):
        group = etree.SubElement(root, f"{{{NAMESPACE}}}{tag}")
        for line in lines:
            if line["kind"] != kind:
                continue
            element = etree.SubElement(group, f"{{{NAMESPACE}}}Line")
            element.set("date", line["date"])
            element.set("vatRate", line["rate"])
            element.set("category", line["category"])
            element.set("currency", "EUR")
            element.set("taxableAmount", line["base"])
            element.set("taxAmount", line["vat"])
            element.set("totalAmount", line["total"])
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    ).decode()


def _totals(lines: list[dict[str, str]]) -> dict:
    """Per kind and rate, over the period (what the back office shows)."""
    totals: dict[str, dict[str, dict[str, str]]] = {}
    for line in lines:
        rates = totals.setdefault(line["kind"], {})
        row = rates.setdefault(
            line["rate"], {"base": "0.00", "vat": "0.00", "total": "0.00"}
        )
        for field in ("base", "vat", "total"):
            row[field] = f"{Decimal(row[field]) + Decimal(line[field]):.2f}"
    return {"by_rate": totals, "lines": lines}


def create_report(
    *,
    park: Park,
    start: dt.date,
    end: dt.date,
    actor: User | AnonymousUser | None = None,
) -> EReport:
    """The numbered report of one period, built once and stored as sent."""
    existing = EReport.objects.filter(
        park=park, period_start=start, period_end=end
    ).first()
    if existing is not None:
        return existing
    lines = compute_lines(park=park, start=start, end=end)
    try:
        with transaction.atomic():
            counter = lock_counter(park_id=park.pk, key=COUNTER_KEY)
            sequence = take_next(counter)
            report = EReport(
                organization_id=park.organization_id,
                park=park,
                sequence=sequence,
                number=f"ER-{park.invoice_series}-{sequence:06d}",
                period_start=start,
                period_end=end,
            )
            report.content = _xml(report, park, lines)
            report.totals = _totals(lines)
            report.save()
            audit.record(
                report,
                "einvoicing.ereport.created",
                actor=actor,
                organization=park.organization,
                data={"number": report.number},
            )
    except IntegrityError:
        # Another worker built this period first; its number stands.
        return EReport.objects.get(park=park, period_start=start, period_end=end)
    return report


def send_report(*, report_id: int, now: dt.datetime | None = None) -> EReport:
    """Send a report's flow (one flow per send), then read its acknowledgement."""
    now = now or timezone.now()
    fresh = (
        EReport.objects.filter(pk=report_id, state=ReportState.READY).update(
            state=ReportState.SUBMITTING,
            sends=F("sends") + 1,
            claimed_until=now + LEASE,
        )
        == 1
    )
    recovered = not fresh and (
        EReport.objects.filter(
            pk=report_id, state=ReportState.SUBMITTING, claimed_until__lt=now
        ).update(claimed_until=now + LEASE)
        == 1
    )
    report = EReport.objects.select_related("park", "organization").get(pk=report_id)
    if not (fresh or recovered):
        return report
    config = EInvoicingSettings.objects.filter(
        organization_id=report.organization_id
    ).first()
    try:
        if config is None or not config.is_enabled:
            raise NotConfigured("La facturation électronique est désactivée.")
        platform = platform_for(config)
        flow = platform.find(tracking_id=report.tracking_id) if recovered else None
        if flow is None:
            flow = platform.submit(
                content=report.content.encode(),
                name=f"{report.number}.xml",
                syntax="FRR",
                processing_rule="B2C",
                tracking_id=report.tracking_id,
            )
    except PlatformError as exc:
        EReport.objects.filter(pk=report_id).update(
            state=ReportState.READY,
            sends=F("sends") - 1,
            claimed_until=None,
            last_error=exc.message,
        )
        report.refresh_from_db()
        return report
    EReport.objects.filter(pk=report_id).update(
        state=ReportState.SENT,
        flow_id=flow.flow_id,
        sent_at=now,
        claimed_until=None,
        last_error="",
    )
    audit.record(
        report,
        "einvoicing.ereport.sent",
        organization=report.organization,
        data={"flow_id": flow.flow_id, "send": report.sends},
    )
    report.refresh_from_db()
    return check_report(report=report)


def check_report(*, report: EReport) -> EReport:
    """The PA's acknowledgement of a sent report: accepted or rejected."""
    if report.state != ReportState.SENT or not report.flow_id:
        return report
    config = EInvoicingSettings.objects.get(organization_id=report.organization_id)
    try:
        result = platform_for(config).status(
            flow_id=report.flow_id, tracking_id=report.tracking_id
        )
    except PlatformError:
        return report
    if result.ack == "Ok":
        EReport.objects.filter(pk=report.pk).update(state=ReportState.ACCEPTED)
    elif result.ack == "Error":
        EReport.objects.filter(pk=report.pk).update(
            state=ReportState.REJECTED, last_error=result.reason
        )
    report.refresh_from_db()
    return report


def resend_report(
    *, report: EReport, actor: User | AnonymousUser | None = None
) -> EReport:
    """Send the same stored report again, as a new flow."""
    updated = EReport.objects.filter(
        pk=report.pk,
        state__in=[ReportState.SENT, ReportState.ACCEPTED, ReportState.REJECTED],
    ).update(state=ReportState.READY)
    if updated:
        audit.record(
            report,
            "einvoicing.ereport.resend",
            actor=actor,
            organization=report.organization,
            data={"number": report.number},
        )
    return send_report(report_id=report.pk)


def sync_reports(*, config: EInvoicingSettings, now: dt.datetime | None = None) -> int:
    """Build and send every report due: each ended period since e-reporting
    started; then send what is still unsent and read acknowledgements."""
    now = now or timezone.now()
    if not config.is_enabled or config.reporting_since is None:
        return 0
    made = 0
    for park in Park.objects.filter(organization_id=config.organization_id):
        today = business_date(now, park.time_zone)
        start, end = period_of(config.reporting_since, config.reporting_period)
        while end < today:
            if not EReport.objects.filter(park=park, period_start=start).exists():
                create_report(park=park, start=start, end=end)
                made += 1
            start, end = period_of(end + dt.timedelta(days=1), config.reporting_period)
    pending = EReport.objects.filter(organization_id=config.organization_id).filter(
        Q(state=ReportState.READY)
        | Q(state=ReportState.SUBMITTING, claimed_until__lt=now)
    )
    for pk in list(pending.values_list("pk", flat=True)):
        send_report(report_id=pk, now=now)
    for report in EReport.objects.filter(
        organization_id=config.organization_id, state=ReportState.SENT
    ):
        check_report(report=report)
    return made


@task()
def send_report_task(report_id: int) -> None:
    send_report(report_id=report_id)
