"""Peak-sales load on the production stack: paid checkouts per second.

    make bench-install                  # locust, weasyprint (requirements/bench.txt)
    sudo apt-get install wrk            # or: bench/load.py --install-wrk (as root)
    .venv/bin/python bench/load.py [--database comptoir_bench] [--duration 30]
        [--users 40] [--web-workers 4] [--port 0]

Starts PostgreSQL (the database given by `--database`, DROPPED and
recreated: never name a database you keep), gunicorn with production
settings on 127.0.0.1 (a free port unless `--port` says which) and, in the
same configuration, measures:

1. the ceiling of this machine: a trivial Django view (`/healthz`) under wrk;
2. paid checkouts per second with online invoicing on (locust, headless);
3. the same with the group's switch off (other members, same server);
4. the PDF worker, measured apart: two `db_worker`s started after the load
   render every queued invoice; invoices per second until none is left;
5. the invariants: every paid sale with exactly one invoice or one open
   alert, continuous series, every PDF rendered, the chain intact.

Prints the figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import ROOT, Stack  # noqa: E402


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


def run_wrk(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def run_locust(stack: Stack, *, prefix: str, users: int, seconds: int, products: str):
    out_dir = stack.var / "locust"
    out_dir.mkdir(parents=True, exist_ok=True)
    sessions = stack.var / f"sessions-{prefix}.txt"
    stack.call("make_sessions", prefix, str(sessions))
    env = {**stack.env(), "BENCH_SESSIONS": str(sessions), "BENCH_PRODUCTS": products}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = {
        row["Name"]: row
        for row in csv.DictReader(open(out_dir / f"{prefix}_stats.csv"))
    }
    return rows, cpu / seconds


def describe(rows: dict, name: str) -> str:
    row = rows[name]
    return (
        f"{float(row['Requests/s']):7.1f}/s  p50 {row['50%']:>4} ms  "
        f"p95 {row['95%']:>4} ms  p99 {row['99%']:>4} ms  "
        f"errors {row['Failure Count']}/{row['Request Count']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--web-workers", type=int, default=4)
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
    try:
        import locust  # noqa: F401
    except ImportError:
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
        port=args.port or free_port(),
    )
    print(f"Setting up {args.database} ({args.users} members per run)…", flush=True)
    stack.create_database()
    members = max(args.users * 2, 50)
    stack.call("make_members", members, "Bench CE", True, "on")
    stack.call("make_members", members, "Bench sans factures", False, "off")
    products = stack.call(
        "product_ids", "Entrée Jump 1h", "Formule goûter", "Chaussettes antidérapantes"
    )
    try:
        stack.start_web()
        ceiling = run_wrk(stack.base_url + "/healthz", 10)
        on, cpu_on = run_locust(
            stack,
            prefix="on",
            users=args.users,
            seconds=args.duration,
            products=products,
        )
        off, cpu_off = run_locust(
            stack,
            prefix="off",
            users=args.users,
            seconds=args.duration,
            products=products,
        )
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
    started = time.perf_counter()
    workers = [
        stack.start_task_worker(f"render{i}", "--batch", "--no-startup-delay")
        for i in range(args.render_workers)
    ]
    for worker in workers:
        worker.wait(timeout=1800)
    render_seconds = time.perf_counter() - started

    checks = stack.manage("check_invariants", check=False)
    rate_on = float(on["paid_checkout"]["Requests/s"])
    rate_off = float(off["paid_checkout"]["Requests/s"])
    print()
    print(
        f"machine: {os.cpu_count()} cores; gunicorn {args.web_workers} sync workers; "
        f"PostgreSQL; {args.users} concurrent members; {args.duration} s per run"
    )
    print(f"trivial view (/healthz, wrk)      {ceiling:8.0f} req/s")
    print(f"paid checkouts, invoicing on      {describe(on, 'paid_checkout')}")
    print("    (goal ≥ 60/s; p95 < 300 ms at 40/s: run with --users to match)")
    print(f"    checkout request              {describe(on, 'checkout')}")
    print(f"    signed notification           {describe(on, 'notification')}")
    print(f"paid checkouts, invoicing off     {describe(off, 'paid_checkout')}")
    share = 100 * rate_on / ceiling
    cost = 100 * (1 - rate_on / rate_off)
    print(f"checkouts / trivial view          {share:5.1f} %")
    print(f"cost of online invoicing          {cost:5.1f} %  (goal < 10 %)")
    print(f"load generator CPU (locust)       {100 * cpu_on:5.0f} % of one core")
    print(
        f"PDF worker ({args.render_workers} processes)          "
        f"{unrendered} documents in {render_seconds:.1f} s = "
        f"{unrendered / render_seconds:6.1f} invoices/s  (goal ≥ 100/s)"
    )
    print(f"invariants: {checks.stdout.strip()} {checks.stderr.strip()}")
    stack.drop_database()
    return checks.returncode


if __name__ == "__main__":
    sys.exit(main())
