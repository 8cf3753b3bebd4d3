"""Many processes paying online at once on one park: no gap, no duplicate.

Runs on PostgreSQL only (set DATABASE_URL); CI always runs it. Worker
processes are forked after the test database exists and open their own
connections, so the row locks are real and contended.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest
from django.db import connection, connections

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Sale, SaleStatus
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]

PROCESSES = 8
SALES = 200


def _pay_all(sale_ids: list[int], crash_every: int, issue_fails_every: int) -> int:
    """In a child process: pay each sale; some crash mid-way, some fail issuing."""
    from comptoir.invoicing.services import issue as issue_module
    from comptoir.sales import hooks as sales_hooks
    from comptoir.sales.services import record_payment

    real_create = issue_module.issue_invoice_document

    def crash_after_the_rule(sale):
        # Runs after invoicing's receiver (registration order): the process
        # dies after the invoice number was taken, before commit.
        if crash_every and sale.pk % crash_every == 0:
            raise ConnectionError("simulated crash mid-transaction")
        return []

    def create_or_fail(**kwargs):
        document = real_create(**kwargs)
        if issue_fails_every and kwargs["sale"].pk % issue_fails_every == 0:
            raise OSError("simulated failure after numbering")
        return document

    # This forked process's own hook: the parent's is left as it was.
    sales_hooks.sale_paid.register(crash_after_the_rule)
    issue_module.issue_invoice_document = create_or_fail
    crashed = 0
    for sale_id in sale_ids:
        sale = Sale.objects.get(pk=sale_id)
        try:
            record_payment(
                sale=sale,
                provider="psp",
                reference=f"tx-{sale_id}",
                amount=sale.total_incl,
                method="online_card",
            )
        except ConnectionError:
            crashed += 1
    connection.close()
    return crashed


def _run_in_processes(sale_ids, crash_every=0, issue_fails_every=0) -> int:
    chunks = [sale_ids[i::PROCESSES] for i in range(PROCESSES)]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(PROCESSES) as pool:
        results = pool.starmap(
            _pay_all, [(chunk, crash_every, issue_fails_every) for chunk in chunks]
        )
    return sum(results)


def _assert_invariants(park):
    invoices = Invoice.objects.filter(park=park, kind="invoice")
    sequences = sorted(invoices.values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1)), "gap or duplicate"
    assert invoices.values("number").distinct().count() == len(sequences)
    for sale in Sale.objects.filter(park=park, status=SaleStatus.PAID):
        has_invoice = sale.invoices.exists()
        has_alert = sale.alerts.filter(status=AlertStatus.OPEN).exists()
        assert has_invoice != has_alert, f"sale {sale.number}: invoice xor alert"
    issued_order = list(
        invoices.order_by("issued_at", "sequence").values_list("sequence", flat=True)
    )
    assert issued_order == sequences, "numbers must increase with issue time"
    from django.core.management import call_command

    call_command("verify_invoices")


def _pending_sales(park, member, products, count):
    return [
        factories.online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        ).pk
        for _ in range(count)
    ]


def test_200_concurrent_online_payments_get_invoices_1_to_200(park, member, products):
    sale_ids = _pending_sales(park, member, products, SALES)
    assert _run_in_processes(sale_ids) == 0
    invoices = Invoice.objects.filter(park=park)
    assert invoices.count() == SALES
    assert sorted(invoices.values_list("sequence", flat=True)) == list(
        range(1, SALES + 1)
    )
    assert Sale.objects.filter(park=park, status=SaleStatus.PAID).count() == SALES
    _assert_invariants(park)


def test_crashes_and_issuing_failures_mid_way_leave_no_gap(park, member, products):
    sale_ids = _pending_sales(park, member, products, SALES)
    crashed = _run_in_processes(sale_ids, crash_every=7, issue_fails_every=11)
    assert crashed > 0
    # Crashed transactions rolled back entirely: still pending, nothing numbered.
    assert Sale.objects.filter(park=park, status=SaleStatus.PENDING).count() == crashed
    _assert_invariants(park)
    failed_issue = Alert.objects.filter(park=park, status=AlertStatus.OPEN)
    assert failed_issue.exists()
    assert all("simulated failure" in a.message for a in failed_issue)

    # The provider retries the crashed notifications: everything ends paid.
    pending = list(
        Sale.objects.filter(park=park, status=SaleStatus.PENDING).values_list(
            "pk", flat=True
        )
    )
    assert _run_in_processes(pending) == 0
    assert Sale.objects.filter(park=park, status=SaleStatus.PAID).count() == SALES
    _assert_invariants(park)
