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
the same; then the paid sales (invoices) a second for one process, by wall
clock and by CPU. The warm-up sales (fonts parsed, XSD compiled) are run
first and not counted.

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
    with meter:
        wall, cpu = time.perf_counter(), time.process_time()
        worker.run()
        cpu = time.process_time() - cpu
        wall = time.perf_counter() - wall
    task_started.disconnect(on_start)
    task_finished.disconnect(on_finish)
    return {"cpu": cpu, "wall": wall, "tasks": dict(per_task)}


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
    from django_tasks_db.models import DBTaskResult

    from comptoir.invoicing.models import Invoice

    world = make_world()
    prepare(args.warmup, world)
    run_worker(Meter())
    mail.outbox = []
    n = args.sales
    prepare(n, world)
    queued = DBTaskResult.objects.ready().count()
    meter = Meter()
    result = run_worker(meter)

    load = os.getloadavg()
    print(
        f"PDF worker, {n} paid online sales ({connection.vendor}), "
        f"{queued} tasks queued; load average {load[0]:.2f} {load[1]:.2f}"
    )
    print(f"  {'per paid sale':<44} {'CPU ms':>8} {'stmts':>7} {'commits':>8}")
    for name, (count, cpu, statements, commits) in sorted(result["tasks"].items()):
        label = f"{name} ×{count / n:g}"
        print(
            f"  {label:<44} {1000 * cpu / n:8.1f} {statements / n:7.1f} "
            f"{commits / n:8.1f}"
        )
    print(
        f"  {'worker, all included (claims, results)':<44} "
        f"{1000 * result['cpu'] / n:8.1f} {meter.statements.count / n:7.1f} "
        f"{meter.commits / n:8.1f}"
    )
    print(
        f"  paid sales' documents a second, one process: "
        f"{n / result['wall']:.1f} (wall), {n / result['cpu']:.1f} (CPU)"
    )
    unrendered = Invoice.objects.filter(pdf_sha256="").count()
    failed = DBTaskResult.objects.count() - DBTaskResult.objects.successful().count()
    assert unrendered == 0, f"{unrendered} invoices not rendered"
    assert failed == 0, f"{failed} tasks not successful"
    assert len(mail.outbox) == n, f"{len(mail.outbox)} mails for {n} sales"
    call_command("verify_invoices", verbosity=0, stdout=io.StringIO())
    print(f"  checks: {n} mails, every invoice rendered, verify_invoices ok")


if __name__ == "__main__":
    main()
