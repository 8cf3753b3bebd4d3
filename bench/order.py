"""One paid order end to end, in-process: CPU time and queries per step.

    .venv/bin/python bench/order.py                     # SQLite, 200 orders
    .venv/bin/python bench/order.py --orders 50
    .venv/bin/python bench/order.py \\
        --database-url postgres://postgres@127.0.0.1:5432/comptoir_perf_bench

A member of a group with a private shop and online invoices on puts a
ticket (20 %) and a snack (10 %) in its basket (two requests), checks out
(the pending sale, redirected to the payment page) and the payment provider
posts its HMAC-signed notification (payment, sale number, tickets, invoice,
hash chain, the render task queued). Every request goes through Django's
test client: the whole middleware stack, the session, the views, no network.

Settings are `comptoir.settings.test` with the tasks written to the
database (`django_tasks_db`) as in production, so the PDF render is queued,
not run in the notification. The catalog is a park's: 40 public products,
12 group prices over two groups the member belongs to.

Figures are `time.process_time()` of this process (CPU, not wall: the
machine is shared) and the number of SQL statements, median over the
orders after a warm-up. On a PostgreSQL of this machine, the CPU its
processes spent during each order is added (mean per order): what the
database server does for those statements. `--invoicing off` runs the
same order for a group without online invoices; `--invoicing both`
alternates orders of each, so that the machine's other load weighs on
both alike, and prints what issuing the invoice costs an order. With
`--database-url` the database named in the URL is dropped and recreated
(never point it at a database you keep); without it, SQLite in a
temporary folder, opened as the embedded default is (`SQLITE_OPTIONS`:
WAL, `BEGIN IMMEDIATE`). Asserts nothing about time.

Then the same order in pretix, when its virtualenv exists (`make
bench-pretix`, or `--pretix-python PATH`): pretix is a Django project of
its own with pinned dependencies, so `bench/pretix_order.py` runs in that
virtualenv as a subprocess with the same `--orders` and `--warmup`, and its
tables are printed after Comptoir's (see that script for what it drives);
with `--database-url`, pretix gets its own database beside it, the same
name with `_pretix` appended (also dropped and recreated).
Without it, a message says how to install it; `--skip-pretix` skips it.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import postgres_pids  # noqa: E402

STEPS = ("cart add (ticket)", "cart add (snack)", "checkout", "notification")
SIMULATOR_SIGNATURE_HEADER = "HTTP_X_SIMULATOR_SIGNATURE"


class QueryCounter:
    """Counts SQL statements through `execute_wrapper`: unlike
    `CaptureQueriesContext`, it keeps no SQL text, so it costs next to
    nothing in the CPU figures."""

    def __init__(self, *, keep_sql: bool = False) -> None:
        self.count = 0
        self.keep_sql = keep_sql
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep_sql:
            self.sql.append(sql)
        return execute(sql, params, many, context)


def setup_django(database_url: str | None) -> str:
    tmp = tempfile.mkdtemp(prefix="comptoir-order-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "comptoir.settings.test"
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    import django
    from django.conf import settings

    django.setup()
    # The payment's own log line would drown the figures.
    logging.getLogger("comptoir").setLevel(logging.WARNING)
    settings.STORAGES["default"]["OPTIONS"]["location"] = f"{tmp}/media"
    # As in production: the render and the mail are a task row written in
    # the payment's transaction, run later by a worker.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default"],
        }
    }
    from django_tasks import task_backends

    # django.setup() has already read TASKS and built the in-process backend.
    task_backends._settings = settings.TASKS
    task_backends.__dict__.pop("settings", None)  # read TASKS again
    if hasattr(task_backends._connections, "default"):
        del task_backends["default"]
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        recreate_postgres_database(connection.settings_dict)
    call_command("migrate", verbosity=0)
    return tmp


def recreate_postgres_database(settings_dict: dict) -> None:
    import psycopg
    from django.db import connection

    name = settings_dict["NAME"]
    connection.close()
    admin = psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def make_world(*, invoicing: bool = True):
    """A park with a real catalog and a member of two private-shop groups;
    `invoicing`: whether one of them has online invoices on."""
    from comptoir.catalog.models import GroupPrice, Product, ProductKind
    from tests import factories

    org = factories.organization("bench")
    park = factories.park(org, series="BN")
    ce = factories.group(org, online_invoices=invoicing, name="CE Bench")
    club = factories.group(org, online_invoices=False, name="Club Bench")
    member = factories.client(park, groups=[ce, club], with_account=True)
    products = factories.products(park)
    extra = [
        Product.objects.create(
            organization=org,
            park=park,
            name=f"Produit {n:02d}",
            kind=ProductKind.TICKET if n % 2 else ProductKind.MERCHANDISE,
            price_incl=Decimal("5.00") + n,
            vat_rate="20.00",
            public=n % 5 != 0,
            position=n,
        )
        for n in range(40)
    ]
    for n, product in enumerate(extra[:12]):
        GroupPrice.objects.create(
            product=product,
            group=ce if n % 2 else club,
            price_incl=product.price_incl - 1,
        )
    GroupPrice.objects.create(
        product=products["ticket"], group=ce, price_incl=Decimal("26.00")
    )
    return org, member, products


def signed_notification(body: dict) -> tuple[bytes, str]:
    from django.conf import settings

    raw = json.dumps(body, sort_keys=True).encode()
    secret = settings.PAYMENT_SIMULATOR_SECRET.encode()
    return raw, hmac.new(secret, raw, hashlib.sha256).hexdigest()


def session_of(location: str) -> dict:
    from bench.psp import session_of as read

    return read(location)


def form_post(http, path: str, data: dict):
    """POST `data` as a browser sends the shop's forms (none sets an
    enctype): url-encoded. The test client's default, multipart, would
    time a parser the shop never runs."""
    return http.post(
        path, urlencode(data), content_type="application/x-www-form-urlencoded"
    )


def one_order(http, provider, org, products, counter) -> list[tuple[float, int]]:
    """The four requests of a paid order: (CPU seconds, queries) each."""
    from django.urls import reverse

    def url(name, **kwargs):
        return reverse(f"shop:{name}", kwargs={"org_slug": org.slug, **kwargs})

    results = []

    def step(call):
        counter.count = 0
        counter.sql = []
        started = time.process_time()
        response = call()
        results.append((time.process_time() - started, counter.count))
        if counter.keep_sql:
            print(f"--- {STEPS[len(results) - 1]}: {counter.count} statements")
            for sql in counter.sql:
                print("   ", sql[:160])
        return response

    for name in ("ticket", "snack"):
        response = step(
            lambda name=name: form_post(
                http, url("cart_add"), {"product": products[name].pk, "quantity": 1}
            )
        )
        assert response.status_code == 302, response
    response = step(lambda: form_post(http, url("checkout"), {"action": "pay"}))
    assert response.status_code == 302, response
    location = response["Location"]
    assert "paiement-simule" in location, location
    session = session_of(location)
    raw, signature = signed_notification(
        {
            "transaction_id": f"bench_{uuid.uuid4().hex}",
            "sale": session["sale"],
            "amount": session["amount"],
            "currency": "EUR",
            "status": "paid",
        }
    )
    response = step(
        lambda: provider.post(
            url("payment_notification", provider="simulator"),
            data=raw,
            content_type="application/json",
            **{SIMULATOR_SIGNATURE_HEADER: signature},
        )
    )
    assert response.status_code == 200, response.content
    return results


def local_postgres_pids() -> list[int] | None:
    """`bench.load.postgres_pids()`: the PostgreSQL server of this machine;
    None when it is not readable here (a server elsewhere)."""
    try:
        return postgres_pids()
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None


def postgres_ns(pids: list[int]) -> int:
    """Nanoseconds on a CPU so far of `pids` (/proc/<pid>/schedstat, finer
    than the clock ticks of /proc/<pid>/stat); a process gone counts 0."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except OSError:
            pass
    return total


def backend_pid(connection) -> int | None:
    """The pid of the PostgreSQL backend serving `connection`, if open."""
    return connection.connection.info.backend_pid if connection.connection else None


def bench_comptoir(args: argparse.Namespace) -> None:
    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client as HttpClient

    from comptoir.customers.models import CustomerGroup
    from comptoir.invoicing.models import Invoice
    from comptoir.sales.models import Sale, SaleStatus

    # "both": the same member, its group's switch turned on and off between
    # orders, so that what the machine does meanwhile weighs on both alike.
    arms = ("on", "off") if args.invoicing == "both" else (args.invoicing,)
    org, member, products = make_world(invoicing=arms[0] == "on")
    group = CustomerGroup.objects.get(organization=org, name="CE Bench")
    http = HttpClient()
    http.force_login(member.user)
    provider = HttpClient(enforce_csrf_checks=True)
    counter = QueryCounter()
    runs: dict[str, list] = {arm: [] for arm in arms}
    server_ns: dict[str, list[int]] = {arm: [] for arm in arms}
    # Read once the order's connection is open, so that its backend is one.
    connection.ensure_connection()
    pids = local_postgres_pids() if connection.vendor == "postgresql" else None
    issued = 0
    with connection.execute_wrapper(counter):
        for n in range((args.warmup + args.orders) * len(arms)):
            arm = arms[n % len(arms)]
            if len(arms) > 1:
                CustomerGroup.objects.filter(pk=group.pk).update(
                    online_invoices=arm == "on"
                )
            issued += arm == "on"
            before = postgres_ns(pids) if pids else 0
            result = one_order(http, provider, org, products, counter)
            after = postgres_ns(pids) if pids else 0
            if pids and backend_pid(connection) not in pids:
                # The connection was opened again (CONN_MAX_AGE): a backend
                # this order's figure missed, read from the next order on.
                pids = local_postgres_pids()
            elif n >= args.warmup * len(arms):
                server_ns[arm].append(after - before)
            if n >= args.warmup * len(arms):
                runs[arm].append(result)
        if args.show_sql:
            counter.keep_sql = True
            one_order(http, provider, org, products, counter)
            counter.keep_sql = False
            issued += arms[-1] == "on"
    if args.profile:
        print(f"Where the CPU goes (cProfile, {args.profile} orders more)")
        profile_steps(http, provider, org, products, counter, args.profile)
        print()
        issued += args.profile * (arms[-1] == "on")
    paid = Sale.objects.filter(status=SaleStatus.PAID).count()
    invoices = Invoice.objects.count()
    ordered = (args.warmup + args.orders) * len(arms) + args.show_sql + args.profile
    assert (paid, invoices) == (ordered, issued), (paid, invoices)

    totals = {}
    for arm in arms:
        print(
            f"Comptoir, one paid order ({connection.vendor}, online invoicing "
            f"{arm}), median of {args.orders} orders after {args.warmup} warm-up"
            + (" (alternating with the other)" if len(arms) > 1 else "")
        )
        totals[arm] = print_runs(runs[arm], server_ns[arm] if pids else None)
    if len(arms) > 1:
        on, off = totals["on"], totals["off"]
        print(
            f"What online invoicing costs a paid order: {on - off:.2f} ms, "
            f"{100 * (on - off) / on:.1f} % of the order with it "
            "(this process + PostgreSQL, means)"
        )
    print(f"  {paid} sales paid, {invoices} invoices issued")


def print_runs(runs: list, server_ns: list[int] | None) -> float:
    """Print one table of `runs`; the mean CPU of an order, this process and
    PostgreSQL's (when measured) together."""
    print(f"  {'step':<24} {'CPU ms':>8} {'p90':>7} {'queries':>8}")
    for i, name in enumerate(STEPS):
        cpu = [1000 * run[i][0] for run in runs]
        queries = [run[i][1] for run in runs]
        print(
            f"  {name:<24} {statistics.median(cpu):8.2f} "
            f"{percentile(cpu, 0.9):7.2f} {statistics.median(queries):8.0f}"
        )
    totals = [1000 * sum(step[0] for step in run) for run in runs]
    queries = [sum(step[1] for step in run) for run in runs]
    print(
        f"  {'paid order, total':<24} {statistics.median(totals):8.2f} "
        f"{percentile(totals, 0.9):7.2f} {statistics.median(queries):8.0f}"
    )
    mean = statistics.fmean(totals)
    if not server_ns:
        return mean
    # Its own work for these statements: what an order costs the database
    # server, beside what it costs Django.
    server = statistics.fmean(server_ns) / 1e6
    print(
        f"  PostgreSQL server         {server:8.2f} ms a paid order "
        "(mean; every process of the cluster, /proc/<pid>/schedstat)"
    )
    print(
        f"  this process + PostgreSQL {mean + server:8.2f} ms a paid order "
        f"(mean; this process alone {mean:.2f})"
    )
    return mean + server


# Where a step's CPU goes: functions whose cumulative time is reported as a
# share of the step (cProfile, so every share is inflated the same way).
PROFILE_MARKERS = {
    "Django compiling SQL (SQLCompiler.as_sql)": ("compiler.py", "as_sql"),
    "database driver (cursor.execute)": ("utils.py", "_execute"),
    "building model instances (Model.from_db)": ("base.py", "from_db"),
    "session load + save (SessionStore)": ("db.py", "load"),
    "session save": ("sessions.py", "save"),
    "templates (Template.render)": ("base.py", "render"),
    "member's client (member_client)": ("access.py", "member_client"),
    "basket cookie read (Cart)": ("cart.py", "__init__"),
    "basket cookie written (Cart.write)": ("cart.py", "write"),
    "pricing (offers_for)": ("selectors.py", "offers_for"),
    "basket priced (price_cart)": ("cart.py", "price_cart"),
    "pending sale (create_sale)": ("services.py", "create_sale"),
    "notification (receive_notification)": ("notifications.py", "receive_notification"),
    "the sale locked and read (lock_for_payment)": ("services.py", "lock_for_payment"),
    "payment recorded (record_payment)": ("services.py", "record_payment"),
    "invoice issued (invoice_paid_online_sale)": (
        "issue.py",
        "invoice_paid_online_sale",
    ),
    "invoice document (_issue_document)": ("issue.py", "_issue_document"),
    "snapshot (build_snapshot)": ("snapshot.py", "build_snapshot"),
    "hash chain (content_hash)": ("integrity.py", "content_hash"),
    "audit event (record)": ("audit.py", "record"),
    "render task queued (enqueue)": ("backend.py", "enqueue"),
}


def profile_steps(http, provider, org, products, counter, orders: int) -> None:
    """cProfile each step over `orders` orders; print the shares that matter."""
    import cProfile
    import pstats

    profiles = [cProfile.Profile() for _ in STEPS]
    for _ in range(orders):
        for i, profile in enumerate(profiles):
            profile_order_step(http, provider, org, products, counter, i, profile)
    for name, profile in zip(STEPS, profiles):
        stats = pstats.Stats(profile)
        total = stats.total_tt
        print(f"--- {name}: {1000 * total / orders:.2f} ms a request under cProfile")
        shares: dict[str, float] = {}
        for (filename, _line, function), row in stats.stats.items():
            for label, (file_end, wanted) in PROFILE_MARKERS.items():
                if filename.endswith(file_end) and function == wanted:
                    shares[label] = shares.get(label, 0.0) + row[3]
        for label, cumulative in sorted(shares.items(), key=lambda kv: -kv[1]):
            if cumulative / total >= 0.01:
                print(f"    {label:<46} {100 * cumulative / total:5.1f} %")


_pending: dict = {}


def profile_order_step(http, provider, org, products, counter, i, profile) -> None:
    """Step `i` of an order (0–3), run under `profile`."""
    from django.urls import reverse

    def url(name, **kwargs):
        return reverse(f"shop:{name}", kwargs={"org_slug": org.slug, **kwargs})

    if i < 2:
        name = ("ticket", "snack")[i]
        profile.enable()
        response = form_post(
            http, url("cart_add"), {"product": products[name].pk, "quantity": 1}
        )
        profile.disable()
        assert response.status_code == 302
    elif i == 2:
        profile.enable()
        response = form_post(http, url("checkout"), {"action": "pay"})
        profile.disable()
        _pending["location"] = response["Location"]
    else:
        session = session_of(_pending.pop("location"))
        raw, signature = signed_notification(
            {
                "transaction_id": f"bench_{uuid.uuid4().hex}",
                "sale": session["sale"],
                "amount": session["amount"],
                "currency": "EUR",
                "status": "paid",
            }
        )
        profile.enable()
        response = provider.post(
            url("payment_notification", provider="simulator"),
            data=raw,
            content_type="application/json",
            **{SIMULATOR_SIGNATURE_HEADER: signature},
        )
        profile.disable()
        assert response.status_code == 200


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


PRETIX_PYTHON = ROOT / "bench" / ".pretix-venv" / "bin" / "python"


def bench_pretix(args: argparse.Namespace) -> None:
    """The same order in pretix, by `bench/pretix_order.py` run with the
    python of pretix's own virtualenv (`make bench-pretix`)."""
    python = Path(args.pretix_python) if args.pretix_python else PRETIX_PYTHON
    if not python.exists():
        print("pretix, the same order")
        print(
            f"  skipped: no pretix virtualenv ({python} not found). pretix has "
            "its own Django\n  and pinned dependencies, so it runs in a "
            "virtualenv of its own: `make bench-pretix`\n  creates "
            "bench/.pretix-venv with pretix 2026.8.0 (or give "
            "--pretix-python PATH)."
        )
        return
    command = [
        str(python),
        str(ROOT / "bench" / "pretix_order.py"),
        "--orders",
        str(args.orders),
        "--warmup",
        str(args.warmup),
    ]
    if args.database_url:
        # pretix gets a database of its own beside Comptoir's: NAME_pretix.
        url = urlsplit(args.database_url)
        pretix_database = url._replace(path=f"{url.path}_pretix").geturl()
        command += ["--database-url", pretix_database]
    sys.stdout.flush()
    completed = subprocess.run(command, check=False)
    if completed.returncode:
        print(f"  pretix's run failed (exit {completed.returncode}): {command}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to DROP and recreate (default: SQLite in /tmp)",
    )
    parser.add_argument("--skip-pretix", action="store_true")
    parser.add_argument(
        "--invoicing",
        choices=("on", "off", "both"),
        default="on",
        help="the member's group issues invoices online (default) or not; "
        "both: orders of each alternate, and what invoicing costs is printed",
    )
    parser.add_argument(
        "--pretix-python",
        metavar="PATH",
        help="python of a virtualenv with pretix (default: bench/.pretix-venv)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile N more orders: the share of each part of each step",
    )
    parser.add_argument(
        "--show-sql", action="store_true", help="print the SQL of one more order"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"Python {sys.version.split()[0]}; load average {load[0]:.2f} "
        f"{load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    bench_comptoir(args)
    if not args.skip_pretix:
        print()
        bench_pretix(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
