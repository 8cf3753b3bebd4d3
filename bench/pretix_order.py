"""The same paid order in pretix: CPU time and queries per step.

Runs INSIDE pretix's own virtualenv (pretix pins its own Django and
dependencies and has its own settings), never in Comptoir's:

    make bench-pretix                       # bench/.pretix-venv, pretix 2026.8.0
    bench/.pretix-venv/bin/python bench/pretix_order.py --orders 50 --warmup 5

`bench/order.py` runs it as a subprocess when that virtualenv exists.

pretix boots with its own settings module (`pretix.settings`, read from a
`pretix.cfg` written to a temporary folder: SQLite there, or the
PostgreSQL database of `--database-url`, dropped and recreated; DEBUG off,
no redis and no celery broker; a local-memory cache standing in for
redis; mails built then dropped by Django's dummy backend), creates its
schema from the models (`migrate --run-syncdb` without migrations, as
pretix's own test suite does), and gets an organizer, an event with a
20 % and a 10 % tax rule, a ticket (20 %) and a snack (10 %), a quota,
the built-in "manual" payment provider, invoices issued automatically on
payment (`invoice_generate = paid`, as Comptoir issues its invoice on
payment), tickets to download, and the defaults pretix gives every new
event (`Event.set_defaults`: invoice attached to the mail, PDF tickets
on). Attendee names are not asked (Comptoir asks none).

One order, through Django's test client (the whole middleware stack):

- cart add (ticket), cart add (snack): `POST cart/add`;
- checkout: `POST checkout/questions/` (e-mail and invoice address),
  `POST checkout/payment/` (the provider), `POST checkout/confirm/` (the
  order is created), counted together;
- payment confirmation: a signed `POST` to a webhook view this script adds
  to pretix's URLs, which does what a payment provider's webhook does in
  pretix (find the payment, `OrderPayment.confirm()`: the order paid, the
  invoice issued, the mails).

pretix runs its work in celery tasks. Without a broker (`celery` section
absent) it runs every task inline, in the request: the cart additions and
the order creation (tasks the request waits for in any setup) but also the
mails with their attached ticket and invoice PDFs, and the invoice PDF
itself. Two modes, both run by default (`--mode`), one after the other:

- `queued` (as with a celery worker): the tasks a request
  waits for (`add_items_to_cart`, `perform_order`) run inline as a worker
  would run them while the request polls; every other task is only
  recorded when sent, then run after the step (as a worker picks them up
  before the buyer's next request), measured apart as "worker tasks" (not
  in the total, as Comptoir's render and mail tasks are not);
- `inline` (celery off): every task in the request that sends it.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import types
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

STEPS = ("cart add (ticket)", "cart add (snack)", "checkout", "payment confirmed")
CHECKOUT_REQUESTS = ("questions", "payment", "confirm")
# Tasks a request waits for: in production it polls for their result.
WAITED_FOR = {
    "pretix.base.services.cart.add_items_to_cart",
    "pretix.base.services.orders.perform_order",
}
WEBHOOK_SECRET = b"bench-webhook-secret"
SIGNATURE_HEADER = "HTTP_X_BENCH_SIGNATURE"
ERROR_TEXT = re.compile(
    r'class="[^"]*(?:alert-danger|has-error|help-block)[^"]*"[^>]*>\s*([^<\s][^<]*)<'
)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class NoMigrations:
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def database_section(tmp: str, database_url: str | None) -> str:
    """pretix.cfg's [database]: SQLite in `tmp`, or the PostgreSQL database
    of the URL, dropped and recreated first."""
    if not database_url:
        return f"[database]\nbackend=sqlite3\nname={tmp}/db.sqlite3\n"
    url = urlsplit(database_url)
    assert url.scheme.startswith("postgres"), database_url
    name = url.path.lstrip("/")
    import psycopg2

    admin = psycopg2.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return (
        "[database]\nbackend=postgresql\n"
        f"name={name}\nhost={url.hostname or '127.0.0.1'}\n"
        f"port={url.port or 5432}\nuser={url.username or 'postgres'}\n"
        f"password={url.password or ''}\n"
    )


def configure(tmp: str, database_url: str | None) -> None:
    """pretix's settings from a pretix.cfg in `tmp`, plus what its own test
    settings change to run without compiled static files."""
    config = os.path.join(tmp, "pretix.cfg")
    database = database_section(tmp, database_url)
    with open(config, "w") as f:
        f.write(
            "[pretix]\n"
            "instance_name=bench\n"
            "url=http://localhost\n"
            "currency=EUR\n"
            f"datadir={tmp}\n"
            "ecb_rates=off\n"
            "loglevel=WARNING\n"
            f"{database}"
            "[django]\n"
            "debug=off\n"
            "[mail]\n"
            "from=bench@localhost\n"
        )
    os.environ["PRETIX_CONFIG_FILE"] = config
    os.environ["DJANGO_SETTINGS_MODULE"] = "pretix_bench_settings"
    settings = types.ModuleType("pretix_bench_settings")
    exec("from pretix.settings import *", settings.__dict__)  # noqa: S102
    # Static files are not compiled here (no `rebuild`): what pretix's test
    # settings do. The pages render the same templates, without sass.
    settings.COMPRESS_ENABLED = settings.COMPRESS_OFFLINE = False
    settings.COMPRESS_PRECOMPILERS = ()
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    # Not `locmem`: pretix sends its mails right away, not on commit, when
    # the backend's name says locmem (its unit tests). Mails are built, the
    # attachments rendered, then dropped.
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.EMAIL_CUSTOM_SMTP_BACKEND = settings.EMAIL_BACKEND
    # pretix's production cache is redis; a local-memory cache stands in for
    # it (same process, no network): pretix caches settings and pages in it.
    settings.CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    }
    settings.REAL_CACHE_USED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # The schema straight from the models, as pretix's own test suite does
    # (its hundreds of migrations take minutes on SQLite).
    settings.MIGRATION_MODULES = NoMigrations()
    sys.modules["pretix_bench_settings"] = settings


def install_urls() -> None:
    """pretix's URLs plus the payment provider's webhook."""
    from django.http import HttpResponse, HttpResponseBadRequest
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt
    from django_scopes import scope, scopes_disabled
    from pretix.base.models import OrderPayment
    from pretix.multidomain import maindomain_urlconf

    @csrf_exempt
    def webhook(request):
        expected = hmac.new(WEBHOOK_SECRET, request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.META.get(SIGNATURE_HEADER, "")):
            return HttpResponseBadRequest("signature")
        body = json.loads(request.body)
        with scopes_disabled():
            payment = OrderPayment.objects.select_related(
                "order", "order__event", "order__event__organizer"
            ).get(
                order__event__organizer__slug=body["organizer"],
                order__code=body["order"],
                local_id=body["payment"],
            )
        if payment.amount != Decimal(body["amount"]):
            return HttpResponseBadRequest("amount")
        with scope(organizer=payment.order.event.organizer):
            if payment.state != OrderPayment.PAYMENT_STATE_CONFIRMED:
                payment.confirm()
        return HttpResponse("ok")

    # MultiDomainMiddleware routes every request of the main domain to this
    # URLconf: the webhook goes in front of its patterns.
    maindomain_urlconf.urlpatterns.insert(0, path("_bench/webhook/", webhook))


def make_world():
    """An organizer, its event, two taxed products, a quota, a provider."""
    from django.conf import settings
    from django.utils.timezone import now
    from django_scopes import scope
    from i18nfield.strings import LazyI18nString
    from pretix.base.models import Event, Organizer

    organizer = Organizer.objects.create(name="Bench", slug="bench")
    with scope(organizer=organizer):
        event = Event.objects.create(
            organizer=organizer,
            name="Parc",
            slug="parc",
            date_from=now() + timedelta(days=30),
            currency="EUR",
            live=True,
        )
        # What the control panel's event wizard does for a new event.
        plugins = [
            *settings.PRETIX_PLUGINS_DEFAULT.split(","),
            "pretix.plugins.ticketoutputpdf",
            "pretix.plugins.manualpayment",
        ]
        event.set_active_plugins(plugins, allow_restricted=plugins)
        event.save(update_fields=["plugins"])
        event.checkin_lists.create(name="Default", all_products=True)
        event.set_defaults()
        vat20 = event.tax_rules.create(
            name=LazyI18nString({"en": "VAT"}), rate=Decimal("20"), default=True
        )
        vat10 = event.tax_rules.create(
            name=LazyI18nString({"en": "VAT"}), rate=Decimal("10")
        )
        ticket = event.items.create(
            name="Ticket",
            default_price=Decimal("26.00"),
            tax_rule=vat20,
            admission=True,
        )
        snack = event.items.create(
            name="Snack", default_price=Decimal("4.50"), tax_rule=vat10, admission=False
        )
        quota = event.quotas.create(name="Day", size=None)
        quota.items.add(ticket, snack)
        event.settings.set("timezone", "Europe/Paris")
        event.settings.set("locale", "en")
        event.settings.set("locales", ["en"])
        event.settings.set("attendee_names_asked", False)
        event.settings.set("invoice_generate", "paid")
        # Tickets to download, so the "paid" mail carries their PDF, as
        # Comptoir's confirmation does.
        event.settings.set("ticket_download", True)
        event.settings.set("invoice_address_asked", True)
        event.settings.set("invoice_address_from", "1 rue du Parc")
        event.settings.set("invoice_address_from_name", "Parc SAS")
        event.settings.set("invoice_address_from_zipcode", "75001")
        event.settings.set("invoice_address_from_city", "Paris")
        event.settings.set("invoice_address_from_country", "FR")
        event.settings.set("invoice_address_from_vat_id", "FR00123456789")
        event.settings.set("payment_manual__enabled", True)
        event.settings.set(
            "payment_manual_public_name", LazyI18nString({"en": "Online payment"})
        )
        event.settings.set(
            "payment_manual_checkout_description", LazyI18nString({"en": "Pay."})
        )
        event.settings.set(
            "payment_manual_email_instructions", LazyI18nString({"en": "Pay."})
        )
        event.settings.set(
            "payment_manual_pending_description", LazyI18nString({"en": "Pay."})
        )
    return organizer, event, {"ticket": ticket, "snack": snack}


def alerts(response) -> str:
    """The error messages of a page pretix sent back instead of a redirect."""
    found = ERROR_TEXT.findall(response.content.decode())
    return f"{response.status_code}: " + " | ".join(m.strip() for m in found)


def order_code(location: str) -> str:
    """The order's code in the URL of its page: /org/event/order/CODE/SECRET/."""
    parts = location.split("/order/", 1)[1].split("/")
    return parts[0]


class Tasks:
    """Celery in `queued` mode: the tasks a request waits for run at once
    (eager, as pretix without a broker runs them), the others (single tasks
    and chains, such as the mail's: invoice PDF, then the mail with its
    attachments) are only recorded when sent, then run apart by
    `run_queued`. In `inline` mode everything runs when sent."""

    def __init__(self, mode: str) -> None:
        from celery.app.task import Task
        from celery.canvas import _chain

        self.mode = mode
        self.queued: list = []
        self.names: dict[str, int] = {}
        tasks = self

        def deferred(original, name_of):
            def apply_async(sent, *args, **kwargs):
                name = name_of(sent)
                if tasks.mode == "inline" or name in WAITED_FOR:
                    return original(sent, *args, **kwargs)
                tasks.queued.append((original, sent, args, kwargs, name))
                tasks.names[name] = tasks.names.get(name, 0) + 1
                return None

            return apply_async

        def chain_name(sent):
            names = (task.task.rsplit(".", 1)[1] for task in sent.tasks)
            return f"chain({', '.join(names)})"

        Task.apply_async = deferred(Task.apply_async, lambda task: task.name)
        _chain.apply_async = deferred(_chain.apply_async, chain_name)

    def run_queued(self, counter) -> list[tuple[str, float, int]]:
        """Run what was queued, in order: (name, CPU seconds, queries) by
        kind of task, summed."""
        costs: dict[str, list] = {}
        while self.queued:
            original, sent, args, kwargs, name = self.queued.pop(0)
            counter.count = 0
            started = time.process_time()
            original(sent, *args, **kwargs)
            cost = costs.setdefault(name, [0.0, 0])
            cost[0] += time.process_time() - started
            cost[1] += counter.count
        return [(name, cpu, queries) for name, (cpu, queries) in costs.items()]


class Renders:
    """CPU time of pretix's PDF renders, wherever they run (in a worker
    task or in the request): the invoice's and the tickets'."""

    def __init__(self) -> None:
        from pretix.base.invoicing.pdf import BaseReportlabInvoiceRenderer
        from pretix.plugins.ticketoutputpdf.ticketoutput import PdfTicketOutput

        self.cpu: dict[str, float] = {}
        self.timed(BaseReportlabInvoiceRenderer, "generate", "invoice PDF")
        self.timed(PdfTicketOutput, "generate_order", "tickets PDF")

    def timed(self, cls, method: str, label: str) -> None:
        original = getattr(cls, method)
        cpu = self.cpu

        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                cpu[label] = cpu.get(label, 0.0) + time.process_time() - started
                cpu[f"{label} calls"] = cpu.get(f"{label} calls", 0) + 1

        setattr(cls, method, wrapper)

    def take(self) -> dict[str, float]:
        taken = dict(self.cpu)
        self.cpu.clear()
        return taken


def one_order(http, webhook, event, products, counter, tasks):
    """(CPU seconds, queries) of each step; then of the queued tasks."""
    base = f"/{event.organizer.slug}/{event.slug}"
    results = []
    worker: dict[str, list] = {}

    def step(*calls, labels=()):
        responses, parts = [], []
        for call, label in zip(calls, labels or [None] * len(calls)):
            counter.count = 0
            started = time.process_time()
            responses.append(call())
            parts.append((label, time.process_time() - started, counter.count))
        cpu = sum(part[1] for part in parts)
        results.append((cpu, sum(part[2] for part in parts), parts))
        # A worker picks up what the step queued before the next request.
        for name, cpu, queries in tasks.run_queued(counter):
            cost = worker.setdefault(name, [0.0, 0])
            cost[0] += cpu
            cost[1] += queries
        return responses

    for name in ("ticket", "snack"):
        (response,) = step(
            lambda name=name: http.post(
                f"{base}/cart/add", {f"item_{products[name].pk}": "1"}
            )
        )
        assert response.status_code == 302, response
        assert "error" not in response["Location"], response["Location"]
    questions, payment, confirm = step(
        lambda: http.post(
            f"{base}/checkout/questions/",
            {
                "email": "membre@example.org",
                "is_business": "individual",
                "name_parts_0": "Camille",
                "name_parts_1": "Martin",
                "street": "2 rue des Lilas",
                "zipcode": "69001",
                "city": "Lyon",
                "country": "FR",
            },
        ),
        lambda: http.post(f"{base}/checkout/payment/", {"payment": "manual"}),
        lambda: http.post(f"{base}/checkout/confirm/", {}),
        labels=CHECKOUT_REQUESTS,
    )
    assert questions.status_code == 302, alerts(questions)
    assert payment.status_code == 302, alerts(payment)
    assert confirm.status_code == 302, alerts(confirm)
    assert "/order/" in confirm["Location"], confirm["Location"]
    code = order_code(confirm["Location"])
    from django_scopes import scopes_disabled
    from pretix.base.models import OrderPayment

    with scopes_disabled():
        paid = OrderPayment.objects.get(order__event=event, order__code=code)
    raw = json.dumps(
        {
            "organizer": event.organizer.slug,
            "order": code,
            "payment": paid.local_id,
            "amount": str(paid.amount),
        }
    ).encode()
    signature = hmac.new(WEBHOOK_SECRET, raw, hashlib.sha256).hexdigest()
    (response,) = step(
        lambda: webhook.post(
            "/_bench/webhook/",
            data=raw,
            content_type="application/json",
            **{SIGNATURE_HEADER: signature},
        )
    )
    assert response.status_code == 200, response.content
    parts = [(name, cpu, queries) for name, (cpu, queries) in worker.items()]
    results.append(
        (sum(part[1] for part in parts), sum(part[2] for part in parts), parts)
    )
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def row(name: str, cpu: list[float], queries: list[int]) -> None:
    print(
        f"  {name:<24} {statistics.median(cpu):8.2f} "
        f"{percentile(cpu, 0.9):7.2f} {statistics.median(queries):8.0f}"
    )


def report(title: str, runs: list, with_worker: bool) -> None:
    print(title)
    print(f"  {'step':<24} {'CPU ms':>8} {'p90':>7} {'queries':>8}")
    for i, name in enumerate(STEPS):
        row(name, [1000 * run[i][0] for run in runs], [run[i][1] for run in runs])
        if name == "checkout":
            for j, label in enumerate(CHECKOUT_REQUESTS):
                row(
                    f"  POST {label}",
                    [1000 * run[i][2][j][1] for run in runs],
                    [run[i][2][j][2] for run in runs],
                )
    steps = [run[: len(STEPS)] for run in runs]
    row(
        "paid order, total",
        [1000 * sum(step[0] for step in run) for run in steps],
        [sum(step[1] for step in run) for run in steps],
    )
    if not with_worker:
        return
    worker = [run[len(STEPS)] for run in runs]
    row(
        "worker tasks (apart)",
        [1000 * step[0] for step in worker],
        [step[1] for step in worker],
    )
    names = sorted({part[0] for step in worker for part in step[2]})
    for name in names:
        costs = [
            [(cpu, queries) for label, cpu, queries in step[2] if label == name]
            for step in worker
        ]
        costs = [cost[0] for cost in costs if cost]
        print(
            f"    {name:<52} {statistics.median(1000 * c[0] for c in costs):6.2f} ms "
            f"{statistics.median(c[1] for c in costs):4.0f} q."
            f" (in {len(costs)} of {len(worker)} orders)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--mode",
        choices=("queued", "inline", "both"),
        default="both",
        help="queued: tasks not waited for run apart (as with celery); "
        "inline: every task in the request (celery off)",
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to DROP and recreate (default: SQLite in /tmp)",
    )
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pretix-order-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # PDFs, SQLite
    configure(tmp, args.database_url)
    import django
    from django.conf import settings

    django.setup()
    logging.disable(logging.WARNING)
    import pretix
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0, run_syncdb=True)
    install_urls()
    organizer, event, products = make_world()
    modes = ("queued", "inline") if args.mode == "both" else (args.mode,)
    tasks = Tasks(modes[0])
    renders = Renders()
    counter = QueryCounter()
    print(
        f"pretix {pretix.__version__} (Django {django.get_version()}, "
        f"{connection.vendor}, DEBUG {settings.DEBUG}, "
        f"its own virtualenv: {sys.prefix})"
    )
    for mode in modes:
        tasks.mode = mode
        tasks.names.clear()
        runs = []
        rendered: dict[str, list[float]] = {}
        webhook = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
        with connection.execute_wrapper(counter):
            for n in range(args.warmup + args.orders):
                http = Client(HTTP_HOST="localhost")  # a new buyer each order
                result = one_order(http, webhook, event, products, counter, tasks)
                taken = renders.take()
                if n >= args.warmup:
                    runs.append(result)
                    for label, cpu in taken.items():
                        scale = 1 if label.endswith("calls") else 1000
                        rendered.setdefault(label, []).append(scale * cpu)
        title = (
            "tasks not waited for queued, run apart (as with a celery worker)"
            if mode == "queued"
            else "celery off: every task in the request that sends it"
        )
        report(
            f"pretix, the same order ({mode}: {title}), "
            f"median of {args.orders} orders after {args.warmup} warm-up",
            runs,
            with_worker=mode == "queued",
        )
        where = "worker tasks" if mode == "queued" else "payment confirmed"
        print(
            f"  PDFs rendered per order, inside '{where}' above: "
            + ", ".join(
                f"{label} {statistics.median(cpu):.2f} ms CPU "
                f"(×{statistics.median(rendered[label + ' calls']):g})"
                for label, cpu in sorted(rendered.items())
                if not label.endswith("calls")
            )
        )
        if mode == "queued":
            sent = ", ".join(
                f"{name.rsplit('.', 1)[-1]} ×{count / (args.warmup + args.orders):.2g}"
                for name, count in sorted(tasks.names.items())
            )
            print(f"  queued per order: {sent}")
    from django_scopes import scopes_disabled
    from pretix.base.models import Invoice, Order

    with scopes_disabled():
        paid = Order.objects.filter(status=Order.STATUS_PAID).count()
        invoices = Invoice.objects.filter(file__gt="").count()
        total_invoices = Invoice.objects.count()
    print(f"  {paid} orders paid, {total_invoices} invoices issued ({invoices} PDFs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
