"""Peak-sales load on the production stack: paid checkouts per second.

    make bench-install                  # locust, weasyprint (requirements/bench.txt)
    sudo apt-get install wrk            # or: bench/load.py --install-wrk (as root)
    .venv/bin/python bench/load.py [--database comptoir_bench] [--duration 30]
        [--segments 4] [--users 40] [--rate 40] [--web-workers 4] [--worker-class sync]
        [--threads 1] [--render-workers 2] [--port 0]

Starts PostgreSQL (the database given by `--database`, DROPPED and
recreated: never name a database you keep), gunicorn with production
settings on 127.0.0.1 (a free port unless `--port` says which) and, in the
same configuration, measures:

1. the ceiling of this machine: a trivial Django view (`/healthz`) under wrk;
2. paid checkouts per second with online invoicing on (locust, headless,
   `--users` members looping without pause: the saturated rate);
3. the same with the group's switch off (other members, same server);
   each arm for `--duration` seconds in all, in `--segments` runs in the
   order on, off, off, on (repeated with more segments), so that the
   machine speeding up or slowing down meanwhile (another tenant, the
   database growing) weighs on both alike; during each run,
   `pg_stat_activity` is sampled every 50 ms: how many backends wait for
   a lock, and on which statement most (waiting costs no CPU, so the CPU
   figures cannot show it);
4. paid checkouts arriving at a constant `--rate` a second (open loop,
   bench/steady.py): the rate achieved and the latencies, counted from the
   instant each checkout was due;
5. the PDF worker, measured apart: `--render-workers` `db_worker`s started
   after the load run every queued task (one per paid online sale: its
   invoice, its tickets' PDF, its mail); documents per second (a document
   is each PDF rendered: invoice or tickets' PDF), invoices per second, and
   the workers' CPU time per paid sale and per document;
6. the invariants: every paid sale with exactly one invoice or one open
   alert, continuous series, every PDF rendered, the chain intact.

Prints the figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import ROOT, Stack, psql  # noqa: E402


def ensure_wrk(*, install: bool) -> str | None:
    """The path of `wrk` (Debian package `wrk`), installed with apt-get when
    asked to; None, after saying how to get it, when it is missing."""
    found = shutil.which("wrk")
    if found or not install:
        if not found:
            print(
                "bench/load.py needs wrk (an HTTP load generator, Debian package "
                "`wrk`) for the ceiling measure.\n"
                "Install it with `sudo apt-get install wrk`, or run this script "
                "as root with --install-wrk.",
                file=sys.stderr,
            )
        return found
    if os.geteuid() != 0:
        print(
            "--install-wrk runs apt-get, which needs root: run "
            "`sudo apt-get install wrk` instead.",
            file=sys.stderr,
        )
        return None
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"])
    return shutil.which("wrk")


def free_port() -> int:
    """A port nobody listens on now, chosen by the system (bind to port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (0 once it is gone)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_pids() -> list[int]:
    """The PostgreSQL server of this machine: its postmaster, then every
    child alive now (backends, WAL writer, checkpointer, autovacuum…)."""
    data_dir = psql("SHOW data_directory")
    postmaster = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = _stat(int(entry.name))
            if child is not None and int(child[1]) == postmaster:
                children.append(int(entry.name))
    return [postmaster, *children]


def postgres_cpu() -> float:
    """CPU seconds so far of the whole PostgreSQL server: the postmaster,
    every live child (backends, WAL writer, checkpointer, autovacuum…) and
    every child already gone (the postmaster's `cutime`/`cstime`: a backend
    closed when its connection reached `conn_max_age` still counts)."""
    postmaster, *children = postgres_pids()
    fields = _stat(postmaster)
    if fields is None:
        return 0.0
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    for pid in children:
        child = _stat(pid)
        if child is not None:
            ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(stack: Stack) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each gunicorn worker and of the PostgreSQL
    server (all its processes, those gone included): their CPU per checkout
    is far less sensitive to other load on the machine than the rates are.
    Nothing else uses this PostgreSQL during a run."""
    return {
        "web": {pid: process_cpu(pid) for pid in stack.web_worker_pids()},
        "db": {0: postgres_cpu()},
    }


def cpu_between(before: dict, after: dict) -> dict[str, float]:
    return {
        side: sum(cpu - before[side].get(pid, 0.0) for pid, cpu in after[side].items())
        for side in after
    }


def run_wrk(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


class WaitSampler:
    """What the bench database's active backends wait for, sampled every
    `interval` seconds from `pg_stat_activity` in a thread while a run goes
    on: a backend waiting for a row lock spends no CPU, so the CPU figures
    cannot show it. Counts samples by (wait type, wait event, the start of
    the statement)."""

    SQL = (
        "SELECT wait_event_type, wait_event, left(query, 48) FROM pg_stat_activity "
        "WHERE datname = current_database() AND state = 'active' "
        "AND pid <> pg_backend_pid()"
    )

    def __init__(self, url: str, interval: float = 0.05) -> None:
        self.url = url
        self.interval = interval
        self.samples = 0
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self._stop.wait(self.interval):
                rows = connection.execute(self.SQL).fetchall()
                self.samples += 1
                for kind, event, query in rows:
                    self.counts[(kind or "", event or "", query or "")] += 1


def run_locust(stack: Stack, *, prefix: str, users: int, seconds: int, products: str):
    out_dir = stack.var / "locust"
    out_dir.mkdir(parents=True, exist_ok=True)
    sessions = stack.var / f"sessions-{prefix}.txt"
    stack.call("make_sessions", prefix, str(sessions))
    env = {**stack.env(), "BENCH_SESSIONS": str(sessions), "BENCH_PRODUCTS": products}
    server_before = server_cpu(stack)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with WaitSampler(stack.database_url) as waits:
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                stack.base_url,
                "--csv",
                str(out_dir / prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
            ],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = cpu_between(server_before, server_cpu(stack))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = {
        row["Name"]: row
        for row in csv.DictReader(open(out_dir / f"{prefix}_stats.csv"))
    }
    rows["server_cpu"] = server
    rows["waits"] = {"samples": waits.samples, "counts": waits.counts}
    return rows, cpu / seconds


def waits_line(rows: dict) -> str:
    """Backends waiting for a lock, on average in a sample, and the
    statement most waited on (bench/README.md, tenth round)."""
    waits = rows.get("waits")
    if not waits or not waits["samples"]:
        return "    lock waits                      (not sampled)"
    samples, counts = waits["samples"], waits["counts"]
    locks = {key: n for key, n in counts.items() if key[0] == "Lock"}
    text = (
        f"    lock waits                    {sum(locks.values()) / samples:5.2f} "
        f"backends a sample ({samples} samples)"
    )
    if locks:
        (kind, event, query), n = max(locks.items(), key=lambda kv: kv[1])
        text += f"; most on {query.strip()}… ({event}) {n / samples:.2f}"
    return text


def per_checkout_cpu(rows: dict) -> float:
    done = int(rows.get("paid_checkout", {}).get("Request Count", 0))
    return sum(rows["server_cpu"].values()) / done if done else 0.0


def server_cpu_line(rows: dict) -> str:
    """Server CPU per paid checkout (its two cart additions included)."""
    done = int(rows.get("paid_checkout", {}).get("Request Count", 0))
    if not done:
        return "    server CPU per paid checkout    (none completed)"
    web, db = rows["server_cpu"]["web"], rows["server_cpu"]["db"]
    return (
        f"    server CPU per paid checkout  {1000 * (web + db) / done:5.1f} ms "
        f"(gunicorn {1000 * web / done:.1f} + PostgreSQL {1000 * db / done:.1f}; "
        "cart additions included)"
    )


PERCENTILES = ("50%", "95%", "99%")


def merge_runs(runs: list[dict]) -> dict:
    """Locust runs of the same members as one: counts and server CPU added,
    rates over the time of all, percentiles the count-weighted mean of the
    runs' (locust gives no histogram to merge). A step missing from one run
    is left out."""
    merged: dict = {}
    for name in set.intersection(*(set(run) for run in runs)):
        if name == "server_cpu":
            merged[name] = {
                side: sum(run[name][side] for run in runs) for side in runs[0][name]
            }
            continue
        if name == "waits":
            merged[name] = {
                "samples": sum(run[name]["samples"] for run in runs),
                "counts": sum((run[name]["counts"] for run in runs), Counter()),
            }
            continue
        rows = [run[name] for run in runs]
        counts = [int(row["Request Count"]) for row in rows]
        rates = [float(row["Requests/s"]) for row in rows]
        seconds = sum(c / r for c, r in zip(counts, rates, strict=True) if r)
        merged_row = {
            "Request Count": str(sum(counts)),
            "Failure Count": str(sum(int(row["Failure Count"]) for row in rows)),
            "Requests/s": str(sum(counts) / seconds if seconds else 0),
        }
        for key in PERCENTILES:
            weighted = sum(
                int(row[key]) * count for row, count in zip(rows, counts, strict=True)
            )
            merged_row[key] = str(round(weighted / sum(counts)) if sum(counts) else 0)
        merged[name] = merged_row
    return merged


def arm_order(segments: int) -> list[str]:
    """Invoicing on and off in `segments` runs (a multiple of 4): on, off,
    off, on, again and again, so that a drift of the machine, even one that
    is not steady, weighs on both alike."""
    if segments < 4 or segments % 4:
        raise ValueError("segments: a multiple of 4")
    return ["on", "off", "off", "on"] * (segments // 4)


def run_arms(
    stack: Stack, *, users: int, seconds: int, products: str, segments: int = 4
):
    """Online invoicing on and off, each in `segments` / 2 runs sharing
    `seconds` (`arm_order`); each arm's runs merged, its rate in each run,
    and the load generator's CPU share."""
    each = max(2 * seconds // segments, 5)
    # Unmeasured: each worker's first requests on both paths (imports,
    # statements compiled, connections opened) fall here.
    for prefix in ("on", "off"):
        run_locust(stack, prefix=prefix, users=users, seconds=3, products=products)
    runs = []
    for prefix in arm_order(segments):
        rows, cpu = run_locust(
            stack, prefix=prefix, users=users, seconds=each, products=products
        )
        runs.append((prefix, rows, cpu))
    arms = {}
    for prefix in ("on", "off"):
        mine = [rows for p, rows, _ in runs if p == prefix]
        rates = [
            float(rows.get("paid_checkout", {}).get("Requests/s", 0)) for rows in mine
        ]
        arms[prefix] = (merge_runs(mine), rates)
    generator = sum(cpu for p, _, cpu in runs if p == "on") / (segments // 2)
    return arms, generator


def rates_text(rates: list[float]) -> str:
    return ", ".join(f"{rate:.1f}" for rate in rates)


def describe(rows: dict, name: str) -> str:
    row = rows.get(name)
    if row is None:
        return "   none completed (run longer, or the machine is too busy)"
    return (
        f"{float(row['Requests/s']):7.1f}/s  p50 {row['50%']:>4} ms  "
        f"p95 {row['95%']:>4} ms  p99 {row['99%']:>4} ms  "
        f"errors {row['Failure Count']}/{row['Request Count']}"
    )


def run_steady(stack: Stack, *, rate: float, seconds: int, products: str):
    """Paid checkouts offered at a constant rate (bench/steady.py)."""
    from bench import steady
    from bench.stack import SIMULATOR_SECRET

    sessions = stack.var / "sessions-rate.txt"
    stack.call("make_sessions", "rate", str(sessions))
    return steady.run(
        base_url=stack.base_url,
        session_keys=sessions.read_text().split(),
        products=[int(p) for p in products.split(",")],
        secret=SIMULATOR_SECRET.encode(),
        rate=rate,
        seconds=seconds,
    )


def describe_steady(flows, wall: float, rate: float) -> list[str]:
    from bench.steady import summary

    done = [f for f in flows if f.ok]
    dropped = sum(1 for f in flows if not f.started and f.error)
    failed = [f.error for f in flows if f.started and not f.ok]
    late = [f.started - f.due for f in flows if f.started]
    lines = [
        f"paid checkouts offered at {rate:g}/s   achieved {len(done) / wall:6.1f}/s "
        f"({len(done)} of {len(flows)} in {wall:.1f} s); never started (server "
        f"too far behind) {dropped}; errors {len(failed)}"
        + (f" — first: {failed[0]}" if failed else ""),
        f"    paid checkout (checkout + notification)  "
        f"{summary([f.ended - f.checkout_started for f in done])}"
        "  (goal p95 < 300 ms)",
        f"    whole flow, from its due instant         "
        f"{summary([f.ended - f.due for f in done])}",
        f"    waiting for a free member (generator)    {summary(late)}",
    ]
    for name in ("cart_add", "checkout", "notification"):
        lines.append(
            f"    {name:<13}{'(×2, summed)' if name == 'cart_add' else '':<29}"
            f"{summary([f.requests[name] for f in done])}"
        )
    return lines


def render_window(stack: Stack) -> tuple[dict[str, int], int, float]:
    """What the workers made (`bench.worker.worker_output`: paid sales
    confirmed, invoices rendered, documents — every PDF rendered, invoices
    and tickets' PDFs), the tasks they ran, and the seconds from the first
    task claimed to the last one finished (the workers' start-up left out)."""
    out = stack.manage(
        "shell",
        "-c",
        "import json; from django.db.models import Max, Min; "
        "from django_tasks_db.models import DBTaskResult; "
        "from bench.worker import worker_output; "
        "done = DBTaskResult.objects.filter(finished_at__isnull=False); "
        "w = done.aggregate(a=Min('started_at'), b=Max('finished_at')); "
        "print(json.dumps([worker_output(w['a']), done.count(), "
        "(w['b'] - w['a']).total_seconds()] if w['a'] else [{}, 0, 0]))",
    ).stdout.splitlines()
    made, tasks, window = json.loads(out[-1])
    return made, tasks, window


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument(
        "--segments",
        type=int,
        default=4,
        help="runs of the saturated load, invoicing on and off alternating "
        "(on, off, off, on, …; a multiple of 4), sharing 2 × --duration",
    )
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument(
        "--rate",
        type=float,
        default=40,
        help="paid checkouts a second offered in the constant-rate run (0: skip it)",
    )
    parser.add_argument(
        "--rate-duration",
        type=int,
        default=None,
        help="seconds of the constant-rate run (default: --duration)",
    )
    parser.add_argument("--web-workers", type=int, default=Stack.web_workers)
    parser.add_argument(
        "--worker-class", default=Stack.worker_class, choices=["sync", "gthread"]
    )
    parser.add_argument(
        "--threads", type=int, default=Stack.threads, help="per gthread worker"
    )
    parser.add_argument("--render-workers", type=int, default=2)
    parser.add_argument(
        "--database",
        default="comptoir_bench",
        help="PostgreSQL database to DROP and recreate (default comptoir_bench)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="gunicorn's port (0: a free one)"
    )
    parser.add_argument(
        "--install-wrk",
        action="store_true",
        help="apt-get install wrk when it is missing (needs root)",
    )
    args = parser.parse_args()
    if ensure_wrk(install=args.install_wrk) is None:
        return 2
    # Only whether it is installed: importing locust here would monkey-patch
    # this process with gevent (the constant-rate generator uses threads).
    if importlib.util.find_spec("locust") is None:
        print(
            "bench/load.py needs locust: `make bench-install` installs "
            "requirements/bench.txt.",
            file=sys.stderr,
        )
        return 2
    load = os.getloadavg()
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    stack = Stack(
        database=args.database,
        web_workers=args.web_workers,
        worker_class=args.worker_class,
        threads=args.threads,
        port=args.port or free_port(),
    )
    rate_seconds = args.rate_duration or args.duration
    print(f"Setting up {args.database} ({args.users} members per run)…", flush=True)
    stack.create_database()
    members = max(args.users * 2, 50)
    stack.call("make_members", members, "Bench CE", True, "on")
    stack.call("make_members", members, "Bench sans factures", False, "off")
    if args.rate:
        # Enough members that one is free when a checkout is due, even if
        # each takes seconds: the generator must not be what holds it back.
        count = max(int(args.rate * 4), 50)
        stack.call("make_members", count, "Bench CE", True, "rate")
    products = stack.call(
        "product_ids", "Entrée Jump 1h", "Formule goûter", "Chaussettes antidérapantes"
    )
    steady = None
    try:
        stack.start_web()
        print("wrk on /healthz, then locust (invoicing on, off)…", flush=True)
        ceiling = run_wrk(stack.base_url + "/healthz", 10)
        arms, cpu_on = run_arms(
            stack,
            users=args.users,
            seconds=args.duration,
            products=products,
            segments=args.segments,
        )
        (on, rates_on), (off, rates_off) = arms["on"], arms["off"]
        if args.rate:
            print(f"constant rate, {args.rate:g} paid checkouts/s…", flush=True)
            load_rate = os.getloadavg()[0]
            steady = run_steady(
                stack, rate=args.rate, seconds=rate_seconds, products=products
            )
            for line in describe_steady(steady[0], steady[1], args.rate):
                print(line, flush=True)
    finally:
        stack.kill("web")

    unrendered = int(
        stack.manage(
            "shell",
            "-c",
            "from comptoir.invoicing.models import Invoice; "
            "print(Invoice.objects.filter(rendered_at__isnull=True).count())",
        ).stdout.split()[-1]
    )
    print(f"PDF workers on the tasks of the load ({unrendered} invoices)…", flush=True)
    # One worker's start-up alone (Django, the apps, the connection), on a
    # queue nobody uses: the CPU per paid sale is given without it too.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stack.start_task_worker("startup", "--batch", "--queue-name", "bench-empty").wait(
        timeout=300
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    startup_cpu = (after.ru_utime - before.ru_utime) + (
        after.ru_stime - before.ru_stime
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    workers = [
        stack.start_task_worker(f"render{i}", "--batch", "--no-startup-delay")
        for i in range(args.render_workers)
    ]
    for worker in workers:
        worker.wait(timeout=1800)
    render_seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    render_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    made, tasks, window = render_window(stack)

    checks = stack.manage("check_invariants", check=False)
    rate_on = float(on.get("paid_checkout", {}).get("Requests/s", 0))
    rate_off = float(off.get("paid_checkout", {}).get("Requests/s", 0))
    print()
    web = f"{args.web_workers} {args.worker_class} workers" + (
        f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    print(
        f"machine: {os.cpu_count()} cores; gunicorn {web}; "
        f"PostgreSQL; {args.users} concurrent members; {args.duration} s per run"
    )
    print(f"trivial view (/healthz, wrk)      {ceiling:8.0f} req/s")
    print(f"paid checkouts, invoicing on      {describe(on, 'paid_checkout')}")
    print(
        "    (saturated: members loop without pause; goal ≥ 60/s; "
        f"in each run {rates_text(rates_on)}/s)"
    )
    print(f"    checkout request              {describe(on, 'checkout')}")
    print(f"    signed notification           {describe(on, 'notification')}")
    print(server_cpu_line(on))
    print(waits_line(on))
    print(f"paid checkouts, invoicing off     {describe(off, 'paid_checkout')}")
    order = " ".join(arm_order(args.segments))
    print(f"    (in each run {rates_text(rates_off)}/s; order {order})")
    print(server_cpu_line(off))
    print(waits_line(off))
    share = 100 * rate_on / ceiling
    cost = 100 * (1 - rate_on / rate_off) if rate_off else float("nan")
    print(f"checkouts / trivial view          {share:5.1f} %")
    print(f"cost of online invoicing          {cost:5.1f} %  (goal < 10 %; rates)")
    server_on, server_off = per_checkout_cpu(on), per_checkout_cpu(off)
    if server_on and server_off:
        print(
            f"{'':34}{100 * (1 - server_off / server_on):5.1f} %  "
            "(server CPU per checkout: less sensitive to other load)"
        )
        # The same difference as a budget: it does not grow when the rest of
        # the checkout gets cheaper, as the share above does.
        issuing = 1000 * (server_on - server_off)
        print(
            f"issuing an invoice, server CPU    {issuing:5.1f} ms"
            "  (per checkout, invoicing on minus off)"
        )
    print(f"load generator CPU (locust)       {100 * cpu_on:5.0f} % of one core")
    if steady is not None:
        flows, wall, generator_cpu = steady
        for line in describe_steady(flows, wall, args.rate):
            print(line)
        print(
            f"    generator CPU {100 * generator_cpu / wall:.0f} % of one core; "
            f"load average when it started {load_rate:.2f}"
        )
    sales, invoices = made.get("sales", 0), made.get("invoices", 0)
    documents = made.get("documents", 0)
    print(
        f"PDF worker ({args.render_workers} processes)          "
        f"{sales} paid sales' tasks ({tasks} tasks) in {render_seconds:.1f} s "
        "with start-up"
    )
    for label, count in (("documents", documents), ("invoices", invoices)):
        print(
            f"    {label + '/s':<30}{count / window if window else 0:6.1f} "
            f"from the first task to the last; {count / render_seconds:6.1f} with "
            f"start-up ({count} {label})"
        )
    print(
        "    (a document is each PDF the worker renders: an invoice, a tickets' "
        "PDF; goal ≥ 100 documents/s)"
    )
    working_cpu = max(render_cpu - args.render_workers * startup_cpu, 0)
    print(
        f"    CPU of the workers            "
        f"{1000 * working_cpu / max(sales, 1):5.1f} ms a paid sale, "
        f"{1000 * working_cpu / max(documents, 1):5.1f} ms a document; "
        f"{render_cpu:.1f} s in all, of which start-ups "
        f"{args.render_workers} × {startup_cpu:.1f} s (a worker on an empty queue)"
    )
    load = os.getloadavg()
    print(f"load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"invariants: {checks.stdout.strip()} {checks.stderr.strip()}")
    stack.drop_database()
    return checks.returncode


if __name__ == "__main__":
    sys.exit(main())
