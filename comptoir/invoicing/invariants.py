"""What must hold whatever happened: load, crashes, retries.

Used by `manage.py check_invariants`, the load benchmark and the fault tests.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum

from comptoir.alerts.models import Alert, AlertKind, AlertStatus
from comptoir.customers.selectors import online_invoice_eligible_q
from comptoir.sales.models import Channel, Payment, Sale, SaleStatus

from .integrity import check_all_series
from .models import DocumentKind, Invoice


def check_invariants(*, require_rendered: bool = True) -> list[str]:
    """Every broken invariant, as a sentence; empty when all hold."""
    problems: list[str] = []
    for park_id, kind, _count, broken in check_all_series():
        docs = Invoice.objects.filter(park_id=park_id, kind=kind)
        stats = docs.aggregate(n=Count("pk"), distinct=Count("number", distinct=True))
        if stats["n"] != stats["distinct"]:
            problems.append(f"park {park_id} {kind}: duplicate numbers")
        if broken is not None:
            problems.append(f"park {park_id} {kind}: {broken.number} {broken.problem}")
    if require_rendered:
        missing = Invoice.objects.filter(rendered_at__isnull=True).count()
        if missing:
            problems.append(f"{missing} documents without their PDF")

    paid = Sale.objects.filter(status=SaleStatus.PAID)
    for sale in paid.annotate(
        received=Sum("payments__amount", filter=Q(payments__amount__gt=0))
    ):
        if sale.received != sale.total_incl:
            problems.append(
                f"sale {sale.number}: received {sale.received}, total {sale.total_incl}"
            )
    unpaid_with_payment = Payment.objects.filter(amount__gt=0).exclude(
        sale__status=SaleStatus.PAID
    )
    if unpaid_with_payment.exists():
        problems.append(f"{unpaid_with_payment.count()} payments on unpaid sales")

    eligible_online = paid.filter(
        online_invoice_eligible_q("client__"), channel=Channel.ONLINE
    ).distinct()
    invoiced = set(
        Invoice.objects.filter(
            kind=DocumentKind.INVOICE, sale__in=eligible_online
        ).values_list("sale_id", flat=True)
    )
    alerted = set(
        Alert.objects.filter(
            status=AlertStatus.OPEN,
            kind=AlertKind.INVOICE_NOT_GENERATED,
            sale__in=eligible_online,
        ).values_list("sale_id", flat=True)
    )
    for sale_id, number in eligible_online.values_list("pk", "number"):
        if (sale_id in invoiced) == (sale_id in alerted):
            state = (
                "both an invoice and an open alert"
                if sale_id in invoiced
                else "neither invoice nor alert"
            )
            problems.append(f"sale {number}: {state}")
    duplicates = (
        Invoice.objects.active()
        .values("sale_id", "scope")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in duplicates:
        problems.append(f"sale id {row['sale_id']}: {row['n']} active invoices")
    return problems


def summary() -> dict[str, int | Decimal]:
    return {
        "paid_sales": Sale.objects.filter(status=SaleStatus.PAID).count(),
        "invoices": Invoice.objects.filter(kind=DocumentKind.INVOICE).count(),
        "open_alerts": Alert.objects.filter(status=AlertStatus.OPEN).count(),
        "unrendered": Invoice.objects.filter(rendered_at__isnull=True).count(),
    }
