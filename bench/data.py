"""Scale of data: a million invoices on PostgreSQL, and the pages that list them.

    .venv/bin/python bench/data.py [--invoices 1000000] [--small 1000] [--runs 30]
    .venv/bin/python bench/data.py --invoices 50000          # a quick run
    .venv/bin/python bench/data.py --reuse                   # measure again

For two sizes (`--small` documents, then `--invoices`), each in a database
of its own (`comptoir_data_small`, `comptoir_data` on 127.0.0.1:5432, user
postgres; dropped and recreated unless `--reuse`), it migrates with Django,
loads the history with set-based SQL (bench/data_fixtures.py, timed step by
step) and measures in-process with Django's test client (server time, no
network), with `comptoir.settings.test` on PostgreSQL:

- "Vos factures" of the member with the most invoices: page 1, last page;
- the back office's dashboard (it counts the sales missing an invoice) and
  invoice list: default view, last month, the same month a year ago;
- the accountant's CSV export of last month, read chunk by chunk: time to
  the first row, total time, rows, queries;
- in a fresh process each (a web worker's view of memory), the peak growth
  of the resident memory while serving the CSV export of a month, of a
  quarter (3x the rows: a streamed export stays flat) and the XLSX export
  of a month (an XLSX is a zip: openpyxl writes the sheet to a temporary
  file as rows come, then the whole file is the response body).

Each page: p50 / p90 over `--runs` runs after two warm-up requests (5 runs
for a page slower than a second), the number of SQL queries
(CaptureQueriesContext) and the time spent in them, and the slowest queries
of the median run (`--explain` prints their plans). Times are noisy on a
shared 2-core machine; the figures are printed, never asserted. Findings and
figures: bench/DATA.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import (  # noqa: E402
    PG_ADMIN_URL,
    ensure_postgres,
    pg_ready,
    psql,
    wait_for,
)

DATABASE = "comptoir_data"
SETTINGS = "comptoir.settings.test"


def database_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def postgres_up() -> None:
    """Start PostgreSQL if need be; other benchmarks on this machine restart
    it (the fault test), so wait rather than fail while it comes back."""
    try:
        ensure_postgres()
    except subprocess.CalledProcessError:
        wait_for(pg_ready, timeout=120, what="PostgreSQL")


def resilient(measure, *args, **kwargs):
    """Run one measure again when PostgreSQL was restarted under it."""
    from django.db import InterfaceError, OperationalError, connection

    for attempt in range(3):
        try:
            return measure(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if attempt == 2:
                raise
            log(f"  PostgreSQL went away ({exc}); measuring again")
            connection.close()
            postgres_up()


# --- measuring (runs in the child process, Django set up) -------------------


@dataclass
class Sample:
    seconds: float
    queries: int
    db_seconds: float
    slowest: list[tuple[float, str]]


def _capture(ctx) -> tuple[int, float, list[tuple[float, str]]]:
    timed = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
    slowest = sorted(timed, key=lambda item: -item[0])[:3]
    return len(timed), sum(t for t, _ in timed), slowest


def get_page(http, url: str, params: dict | None = None) -> Sample:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = http.get(url, params or {})
        body = response.content
        seconds = time.perf_counter() - started
    if response.status_code != 200 or not body:
        raise RuntimeError(f"{url} {params}: HTTP {response.status_code}")
    return Sample(seconds, *_capture(ctx))


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarize(samples: list[Sample]) -> dict:
    times = [s.seconds for s in samples]
    median = sorted(samples, key=lambda s: s.seconds)[len(samples) // 2]
    return {
        "runs": len(samples),
        "p50_ms": 1000 * statistics.median(times),
        "p90_ms": 1000 * quantile(times, 0.9),
        "queries": sorted({s.queries for s in samples}),
        "db_p50_ms": 1000 * statistics.median(s.db_seconds for s in samples),
        "slowest": [
            {"ms": 1000 * t, "sql": " ".join(sql.split())} for t, sql in median.slowest
        ],
    }


def measure_page(http, url: str, params: dict | None, runs: int) -> dict:
    """p50/p90 after warm-up; a page slower than a second gets 5 runs."""
    warm = [resilient(get_page, http, url, params) for _ in range(2)]
    if warm[-1].seconds > 1:
        runs = min(runs, 5)
    return summarize([resilient(get_page, http, url, params) for _ in range(runs)])


def page_size() -> int:
    return os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * page_size()


class PeakRss(threading.Thread):
    """Samples this process's resident memory every few milliseconds."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.before = rss_bytes()
        self.peak = self.before
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(0.002)

    def stop(self) -> float:
        """Growth of the resident memory over the start, in MB."""
        self.done.set()
        self.join()
        self.peak = max(self.peak, rss_bytes())
        return (self.peak - self.before) / 2**20


def stream_export(http, url: str, params: dict) -> dict:
    """One export read chunk by chunk, as a client on a socket would."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = http.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        first_row = None
        size = lines = 0
        if response.streaming:
            # The header line goes out before any query: time the first row.
            for chunk in response.streaming_content:
                size += len(chunk)
                lines += chunk.count(b"\n")
                if first_row is None and lines > 1:
                    first_row = time.perf_counter() - started
        else:
            size = len(response.content)
        seconds = time.perf_counter() - started
        response.close()
    count, db_seconds, slowest = _capture(ctx)
    return {
        "streaming": response.streaming,
        "first_row_ms": 1000 * (first_row or time.perf_counter() - started),
        "total_ms": 1000 * seconds,
        "rows": lines - 1,
        "bytes": size,
        "queries": count,
        "db_ms": 1000 * db_seconds,
        "slowest": [
            {"ms": 1000 * t, "sql": " ".join(sql.split())} for t, sql in slowest
        ],
    }


def measure_export(http, url: str, params: dict, runs: int) -> dict:
    resilient(stream_export, http, url, params)
    samples = [resilient(stream_export, http, url, params) for _ in range(runs)]
    first = [s["first_row_ms"] for s in samples]
    total = [s["total_ms"] for s in samples]
    return {
        "runs": runs,
        "first_row_p50_ms": statistics.median(first),
        "first_row_p90_ms": quantile(first, 0.9),
        "p50_ms": statistics.median(total),
        "p90_ms": quantile(total, 0.9),
        "queries": sorted({s["queries"] for s in samples}),
        "db_p50_ms": statistics.median(s["db_ms"] for s in samples),
        "rows": samples[0]["rows"],
        "bytes": samples[0]["bytes"],
        "slowest": sorted(samples, key=lambda s: s["total_ms"])[runs // 2]["slowest"],
    }


def probe(args) -> None:
    """One export in a fresh process: how much memory a web worker needs."""
    setup_django(args.database)
    from django.test import Client as HttpClient
    from django.urls import reverse

    from bench.data_fixtures import MANAGER_EMAIL
    from comptoir.organizations.models import User

    manager = HttpClient()
    manager.force_login(User.objects.get(email=MANAGER_EMAIL, kind="staff"))
    url = reverse(f"backoffice:invoices_{args.probe}")
    day = {"start": args.start, "end": args.start}
    resilient(stream_export, manager, url, day)  # imports, templates, caches
    gc.collect()
    sampler = PeakRss()
    sampler.start()
    result = resilient(
        stream_export, manager, url, {"start": args.start, "end": args.end}
    )
    result["rss_growth_mb"] = sampler.stop()
    result["rss_before_mb"] = sampler.before / 2**20
    Path(args.json_out).write_text(json.dumps(result))


def month_bounds(day: dt.date, months_back: int) -> dict[str, str]:
    year, month = day.year, day.month - months_back
    while month <= 0:
        year, month = year - 1, month + 12
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return {"start": start.isoformat(), "end": end.isoformat()}


def add_months(period: dict[str, str], months: int) -> dict[str, str]:
    start = dt.date.fromisoformat(period["start"])
    end = dt.date.fromisoformat(period["end"])
    for _ in range(months - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return {"start": start.isoformat(), "end": end.isoformat()}


def measure_all(args) -> dict:
    from django.test import Client as HttpClient
    from django.urls import reverse
    from django.utils import timezone

    from bench.data_fixtures import MANAGER_EMAIL, SLUG
    from comptoir.customers.models import Client
    from comptoir.invoicing.models import Invoice
    from comptoir.members.views.invoices import INVOICES_PER_PAGE
    from comptoir.organizations.models import User

    heavy = Client.objects.select_related("user").get(pk=1)
    member_docs = Invoice.objects.filter(client=heavy).count()
    member = HttpClient()
    member.force_login(heavy.user)
    manager = HttpClient()
    manager.force_login(User.objects.get(email=MANAGER_EMAIL, kind="staff"))

    invoices_url = reverse("members:invoices", kwargs={"org_slug": SLUG})
    backoffice_url = reverse("backoffice:invoices")
    today = timezone.localdate()  # Europe/Paris, the park's time zone
    last_month = month_bounds(today, 1)
    last_page = max(1, -(-member_docs // INVOICES_PER_PAGE))
    plan = [
        ("Vos factures, page 1", member, invoices_url, None),
        ("Vos factures, last page", member, invoices_url, {"page": last_page}),
        ("Back office dashboard", manager, reverse("backoffice:dashboard"), None),
        ("Back office list, default", manager, backoffice_url, None),
        ("Back office list, last month", manager, backoffice_url, last_month),
        (
            "Back office list, a year ago",
            manager,
            backoffice_url,
            month_bounds(today, 12),
        ),
    ]
    pages = {}
    for name, http, url, params in plan:
        log(f"  measuring {name}…")
        pages[name] = measure_page(http, url, params, args.runs)
    log("  measuring the CSV export of last month…")
    export = measure_export(
        manager, reverse("backoffice:invoices_csv"), last_month, args.export_runs
    )
    return {
        "member_documents": member_docs,
        "last_page": last_page,
        "last_month": last_month,
        "pages": pages,
        "export": export,
    }


def explain(samples: dict) -> None:
    """EXPLAIN ANALYZE of the slowest query of each page (with --explain)."""
    from django.db import connection

    for name, page in samples.items():
        for item in page["slowest"][:1]:
            sql = item["sql"]
            if sql.startswith("DECLARE"):
                sql = sql.split(" FOR ", 1)[1]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            log(f"\n--- {name}: {item['ms']:.1f} ms\n{sql[:300]}\n{plan}")


def setup_django(database: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = database_url(database)
    import django

    django.setup()
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(exist_ok=True)


def child(args) -> None:
    """Create, migrate and load one database, then measure its pages."""
    setup_django(args.database)
    from django.core.management import call_command

    from bench.data_fixtures import load

    load_report = None
    postgres_up()
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'")
    if not (args.reuse and exists):
        psql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{args.database}"')
    started = time.perf_counter()
    call_command("migrate", verbosity=0)  # on --reuse: new migrations only
    log(f"  migrate: {time.perf_counter() - started:.1f} s")
    if not (args.reuse and exists):
        load_report = load(
            invoices=args.invoices,
            clients=args.clients,
            members=args.members,
            member_invoices=args.member_invoices,
            months=args.months,
            log=log,
        )
        log(
            f"  loaded {load_report.invoices:,} invoices and "
            f"{load_report.credit_notes:,} credit notes in "
            f"{load_report.seconds:.0f} s"
        )
    results = measure_all(args)
    if args.explain:
        explain(results["pages"] | {"CSV export": results["export"]})
    if load_report is not None:
        results["load"] = asdict(load_report) | {"seconds": load_report.seconds}
    results["database"] = args.database
    Path(args.json_out).write_text(json.dumps(results, default=str, indent=1))


# --- orchestration and report (parent process) ------------------------------


def run_python(args: list[str], label: str) -> dict:
    """Run this script in a child process and read the JSON it writes."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, *args, "--json-out", out.name]
        for attempt in range(2):
            postgres_up()
            if subprocess.run(command, check=attempt == 1).returncode == 0:
                break
            log(f"{label} failed (PostgreSQL restarted by another test?); again")
        return json.loads(Path(out.name).read_text())


def run_size(args, *, label: str, invoices: int) -> dict:
    database = args.database if label == "large" else f"{args.database}_{label}"
    clients = args.clients if label == "large" else max(args.members + 1, invoices // 5)
    member_invoices = (
        args.member_invoices if label == "large" else max(1, invoices // 20)
    )
    log(f"\n{label}: {invoices:,} documents in {database}")
    command = [
        "--child",
        "--database",
        database,
        "--invoices",
        str(invoices),
        "--clients",
        str(clients),
        "--member-invoices",
        str(member_invoices),
    ]
    for flag in ("months", "members", "runs", "export_runs"):
        command += ["--" + flag.replace("_", "-"), str(getattr(args, flag))]
    command += ["--reuse"] * args.reuse + ["--explain"] * args.explain
    result = run_python(command, label)
    month = result["last_month"]
    quarter = add_months(month, 3)
    result["memory"] = {}
    for name, kind, period in (
        ("CSV, a month", "csv", month),
        ("CSV, a quarter", "csv", quarter),
        ("XLSX, a month", "xlsx", month),
    ):
        log(f"  memory of a fresh worker: {name}…")
        result["memory"][name] = run_python(
            [
                "--probe",
                kind,
                "--database",
                database,
                "--start",
                period["start"],
                "--end",
                period["end"],
            ],
            name,
        )
    return result


def queries(value: list[int]) -> str:
    return "/".join(str(v) for v in value)


def print_report(sizes: dict[str, dict]) -> None:
    labels = list(sizes)
    print()
    for label, result in sizes.items():
        load = result.get("load")
        if load:
            print(
                f"{label}: {load['invoices']:,} invoices + {load['credit_notes']:,} "
                f"credit notes, {load['tax_lines']:,} tax lines, {load['sales']:,} "
                f"sales, {load['sale_lines']:,} sale lines, {load['clients']:,} "
                f"clients; loaded in {load['seconds']:.0f} s"
            )
            print(
                "    steps: "
                + ", ".join(f"{k} {v:.1f} s" for k, v in load["steps"].items())
            )
            print(
                "    sizes: " + ", ".join(f"{k} {v}" for k, v in load["sizes"].items())
            )
        else:
            print(f"{label}: database {result['database']} reused")
        print(
            f"    heavy member: {result['member_documents']} documents (last page "
            f"{result['last_page']}); last month {result['last_month']['start']} to "
            f"{result['last_month']['end']}"
        )
    header = f"{'server time (ms)':30}" + "".join(
        f"{label + ' p50':>12}{'p90':>8}{'queries':>9}{'in SQL':>8}" for label in labels
    )
    print("\n" + header)
    for name in sizes[labels[0]]["pages"]:
        row = f"{name:30}"
        for label in labels:
            page = sizes[label]["pages"][name]
            row += (
                f"{page['p50_ms']:12.1f}{page['p90_ms']:8.1f}"
                f"{queries(page['queries']):>9}{page['db_p50_ms']:8.1f}"
            )
        print(row)
    runs = {label: sizes[label]["pages"] for label in labels}
    print(
        "runs per page: "
        + "; ".join(
            f"{label} " + "/".join(str(p["runs"]) for p in pages.values())
            for label, pages in runs.items()
        )
    )
    print()
    for label in labels:
        export = sizes[label]["export"]
        print(
            f"CSV export, last month ({label}): {export['rows']:,} rows, "
            f"{export['bytes'] / 2**20:.1f} MB; first row p50 "
            f"{export['first_row_p50_ms']:.0f} ms (p90 "
            f"{export['first_row_p90_ms']:.0f}); total p50 {export['p50_ms']:.0f} "
            f"ms (p90 {export['p90_ms']:.0f}) over {export['runs']} runs; "
            f"{queries(export['queries'])} queries, {export['db_p50_ms']:.0f} ms in SQL"
        )
    print("\nMemory of a fresh worker serving one export (peak RSS growth):")
    for label in labels:
        for name, memory in sizes[label]["memory"].items():
            streamed = (
                f"{memory['rows']:,} rows, first row {memory['first_row_ms']:.0f} ms, "
                if memory["streaming"]
                else "built whole, "
            )
            print(
                f"  {label:6} {name:15} {memory['bytes'] / 2**20:.1f} MB out, "
                f"{streamed}total "
                f"{memory['total_ms']:.0f} ms, {memory['queries']} queries, "
                f"RSS +{memory['rss_growth_mb']:.0f} MB "
                f"(from {memory['rss_before_mb']:.0f} MB)"
            )
    large = sizes[labels[-1]]
    print("\nSlowest queries of the median run (largest size):")
    for name, page in [*large["pages"].items(), ("CSV export", large["export"])]:
        print(f"  {name}:")
        for item in page["slowest"]:
            print(f"    {item['ms']:7.1f} ms  {item['sql'][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--member-invoices", type=int, default=500)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--export-runs", type=int, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the databases already loaded"
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest queries"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--probe", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    parser.add_argument("--end", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database",
        default=DATABASE,
        help="database of the large size; the small one gets a _small suffix",
    )
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.probe:
        probe(args)
        return
    postgres_up()
    started = time.perf_counter()
    sizes = {}
    if args.small:
        sizes["small"] = run_size(args, label="small", invoices=args.small)
    sizes["large"] = run_size(args, label="large", invoices=args.invoices)
    print_report(sizes)
    print(f"\nTotal run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
