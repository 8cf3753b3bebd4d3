"""The PDF worker's cost per paid online sale, in-process.

    .venv/bin/python bench/worker.py                    # SQLite, 200 sales
    .venv/bin/python bench/worker.py --sales 100 --warmup 10
    .venv/bin/python bench/worker.py \\
        --database-url postgres://postgres@127.0.0.1:5432/comptoir_worker_bench

Prepares N paid online sales through the real services (a member of a
group with online invoices buys a ticket at 20 % and a snack at 10 %: the
payment issues the invoice and queues its tasks in the payment's
transaction, `django_tasks_db` as in production), then runs every queued
task exactly as `db_worker` does — its own `Worker` loop, `--batch`, no
start-up delay, no sleep — in this process, and prints per paid sale: the
worker's CPU (`time.process_time()`), its SQL statements and its durable
commits (explicit commits, and writes in autocommit), and per task path
the same; with PostgreSQL, the CPU of the worker's database backend too.
Then documents a second — a document is each PDF the worker renders: the
invoice, and the tickets' PDF (one per kind of entitlement a sale has) —,
invoices a second and paid sales a second: for one process by wall clock
and by its CPU, and for two processes on two cores by CPU (worker and
backend), an upper bound. The warm-up sales (fonts parsed, XSD compiled)
are run first and not counted.

Settings are `comptoir.settings.test` (mail kept in memory, files in a
temporary folder). With `--database-url` the database named in the URL is
dropped and recreated (never point it at a database you keep); without
it, SQLite in a temporary folder. Checks at the end that every invoice is
rendered (`verify_invoices`) and every sale got one confirmation mail.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.order import QueryCounter, setup_django  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")


class Meter:
    """Statements and durable commits on the default connection."""

    def __init__(self) -> None:
        from django.db import connections

        self.connection = connections["default"]
        self.statements = QueryCounter()
        self.commits = 0
        self._commit = type(self.connection)._commit

    def __call__(self, execute, sql, params, many, context):
        if not self.connection.in_atomic_block and sql.lstrip()[:6].upper() in WRITES:
            self.commits += 1  # autocommit: the statement commits on its own
        return self.statements(execute, sql, params, many, context)

    def __enter__(self) -> Meter:
        meter = self

        def _commit(wrapper):
            meter.commits += 1
            return meter._commit(wrapper)

        type(self.connection)._commit = _commit  # type: ignore[method-assign]
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._wrapper.__exit__(*exc)
        type(self.connection)._commit = self._commit  # type: ignore[method-assign]


def worker_output(since=None) -> dict[str, int]:
    """What the tasks finished since `since` (all when None) made: paid
    sales confirmed, invoices rendered, and documents — every PDF rendered:
    the invoices, and for each confirmed sale whose client has an address
    one PDF per kind it paid for (tickets, bookings, gift vouchers)."""
    from django_tasks_db.models import DBTaskResult

    from comptoir.invoicing.models import Invoice
    from comptoir.sales.models import Sale

    done = DBTaskResult.objects.successful()
    invoices = Invoice.objects.exclude(rendered_at=None)
    if since is not None:
        done = done.filter(finished_at__gte=since)
        invoices = invoices.filter(rendered_at__gte=since)
    sale_ids = [
        args["kwargs"]["sale_id"]
        for args in done.filter(task_path__endswith=".confirm_order_task").values_list(
            "args_kwargs", flat=True
        )
    ]
    mailed = Sale.objects.filter(pk__in=sale_ids).exclude(client__email="")
    kinds = sum(
        mailed.filter(**{f"lines__{relation}__isnull": False}).distinct().count()
        for relation in ("tickets", "bookings", "gift_vouchers")
    )
    rendered = invoices.count()
    return {
        "sales": len(sale_ids),
        "invoices": rendered,
        "documents": rendered + kinds,
    }


def backend_cpu() -> float:
    """CPU seconds so far of this connection's PostgreSQL backend (0 on
    SQLite, whose work is in this process already)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # PostgreSQL on another machine
        return 0.0
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def prepare(count: int, world: dict) -> None:
    from tests import factories

    items = factories.basket(world["products"], ("ticket", 1), ("snack", 1))
    for _ in range(count):
        factories.paid_online_sale(world["park"], world["member"], items)


def make_world() -> dict:
    from tests import factories

    org = factories.organization("bench")
    park = factories.park(org, series="BW")
    group = factories.group(org, online_invoices=True, name="CE Bench")
    member = factories.client(park, groups=[group], with_account=True)
    return {"park": park, "member": member, "products": factories.products(park)}


def run_worker(meter: Meter) -> dict:
    """Every ready task, as `db_worker --batch --no-startup-delay` runs them."""
    from django_tasks_db.compat import task_finished, task_started
    from django_tasks_db.management.commands.db_worker import Worker

    per_task: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0, 0])
    started: dict[str, tuple[float, int, int]] = {}

    def on_start(sender, task_result, **kwargs):
        started[task_result.id] = (
            time.process_time(),
            meter.statements.count,
            meter.commits,
        )

    def on_finish(sender, task_result, **kwargs):
        cpu, statements, commits = started.pop(task_result.id)
        row = per_task[task_result.task.name]
        row[0] += 1
        row[1] += time.process_time() - cpu
        row[2] += meter.statements.count - statements
        row[3] += meter.commits - commits

    task_started.connect(on_start)
    task_finished.connect(on_finish)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-worker",
        excluded_queue_names=[],
    )
    backend = backend_cpu()
    with meter:
        wall, cpu = time.perf_counter(), time.process_time()
        worker.run()
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
    backend = backend_cpu() - backend
    task_started.disconnect(on_start)
    task_finished.disconnect(on_finish)
    return {"cpu": cpu, "wall": wall, "backend": backend, "tasks": dict(per_task)}


def rates(n: int, made: dict[str, int], seconds: float, how: str) -> str:
    return (
        f"{made['documents'] / seconds:6.1f} documents/s, "
        f"{made['invoices'] / seconds:6.1f} invoices/s, "
        f"{n / seconds:6.1f} paid sales/s ({how})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=200, help="paid sales measured")
    parser.add_argument("--warmup", type=int, default=10, help="run first, not counted")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to DROP and recreate (default: SQLite in /tmp)",
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from comptoir.invoicing.models import Invoice

    world = make_world()
    prepare(args.warmup, world)
    run_worker(Meter())
    mail.outbox = []
    n = args.sales
    prepare(n, world)
    queued = DBTaskResult.objects.ready().count()
    since = timezone.now()
    meter = Meter()
    result = run_worker(meter)
    made = worker_output(since)
    assert made["sales"] == n, f"{made['sales']} sales confirmed of {n}"

    load = os.getloadavg()
    cpu, wall, backend = result["cpu"], result["wall"], result["backend"]
    print(
        f"PDF worker, {n} paid online sales ({connection.vendor}), "
        f"{queued} tasks queued; load average {load[0]:.2f} {load[1]:.2f}"
    )
    print(
        f"  each paid sale: {made['documents'] / n:g} documents (PDFs rendered), "
        f"{made['invoices'] / n:g} invoice"
    )
    print(f"  {'per paid sale':<44} {'CPU ms':>8} {'stmts':>7} {'commits':>8}")
    for name, (count, task_cpu, statements, commits) in sorted(result["tasks"].items()):
        label = f"{name} ×{count / n:g}"
        print(
            f"  {label:<44} {1000 * task_cpu / n:8.1f} {statements / n:7.1f} "
            f"{commits / n:8.1f}"
        )
    print(
        f"  {'worker, all included (claims, results)':<44} "
        f"{1000 * cpu / n:8.1f} {meter.statements.count / n:7.1f} "
        f"{meter.commits / n:8.1f}"
    )
    if backend:
        print(f"  {'PostgreSQL backend of the worker':<44} {1000 * backend / n:8.1f}")
    print(
        "  one process:  "
        + rates(n, made, wall, "wall clock")
        + "\n                "
        + rates(n, made, cpu, "by its CPU")
    )
    # Two worker processes on two cores, each paying its own CPU and its
    # database backend's: an upper bound (PostgreSQL's fsyncs and the rest
    # of the machine are not in it).
    print("  two cores:    " + rates(n, made, (cpu + backend) / 2, "by CPU, bound"))
    unrendered = Invoice.objects.filter(pdf_sha256="").count()
    failed = DBTaskResult.objects.count() - DBTaskResult.objects.successful().count()
    assert unrendered == 0, f"{unrendered} invoices not rendered"
    assert failed == 0, f"{failed} tasks not successful"
    assert len(mail.outbox) == n, f"{len(mail.outbox)} mails for {n} sales"
    # The member has online invoices: every PDF rendered is attached.
    attached = sum(len(message.attachments) for message in mail.outbox)
    assert attached == made["documents"], f"{attached} PDFs attached"
    call_command("verify_invoices", verbosity=0, stdout=io.StringIO())
    print(
        f"  checks: {n} mails with {attached} PDFs, every invoice rendered, "
        "verify_invoices ok"
    )


if __name__ == "__main__":
    main()
