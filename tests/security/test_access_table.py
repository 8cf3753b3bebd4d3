"""Every URL, every kind of visitor, every id: the answer is the table's.

The table below is the access policy of Comptoir, written down. Each named
URL of the shop, the member space, the back office (and `/`, `/healthz`,
the language switch, the admin's door) has a row per HTTP method its view
answers; the URLs are read from the resolver, so a new URL without a row
fails `test_the_table_covers_every_url_and_method`.

A row gives the expected answer to each visitor, in this order:

    anon       nobody signed in
    a1         member of organization A; the objects tried are its own
    a2         another member of A (same group, other client)
    b          a member of organization B
    cashier    cashier of A
    manager    manager of A
    manager_b  manager of B

Answers: "ok" 200 · "go" 302 to an allowed place (an action done, or a
page that sends elsewhere) · "login" 302 to the sign-in page of that part
of the site, coming back to the page asked for · "404" · "403" · "400" ·
"dead" 200 saying the link is invalid (password links).

URLs that name an object are tried with several ids (`Ids`): A's objects
(`own`, those of A1), B's objects (`other`), made-up ids (`random`), and
for addresses under an organization, A's objects under B's address
(`cross`). Not found and not yours look the same.

For every answer the test also checks that no private string of someone
else (names, companies, emails, document numbers, private products) shows
in the page, the CSV, the spreadsheet or the ZIP; and that a refused
request (login, 403, 404, 400, dead link) sent no INSERT, UPDATE or
DELETE to a business table (its session aside). Each
request runs in a savepoint rolled back afterwards, so the rows are
independent of each other.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import VISITORS, World
from .endpoints import Endpoint, endpoints, ids, login_url, url_kwargs
from .state import business_writes

pytestmark = pytest.mark.django_db

OK, GO, LOGIN, NF, NO, BAD, DEAD = "ok", "go", "login", "404", "403", "400", "dead"
REFUSED = {LOGIN, NF, NO, BAD, DEAD}


@dataclass(frozen=True)
class Ids:
    """Expected answers for a URL naming an object of `kind`."""

    kind: str
    own: tuple[str, ...]
    other: tuple[str, ...] | None = None
    random: tuple[str, ...] | None = None
    cross: tuple[str, ...] | None = None

    def variants(self):
        for variant in ("own", "other", "random", "cross"):
            expected = getattr(self, variant)
            if expected is not None:
                yield variant, expected


def every(answer: str) -> tuple[str, ...]:
    return (answer,) * len(VISITORS)


# fmt: off
#                  anon   a1     a2     b      cashier manager manager_b
MEMBER_PAGE     = (LOGIN, OK,    OK,    LOGIN, LOGIN,  LOGIN,  LOGIN)
MEMBER_ACTION   = (LOGIN, GO,    GO,    LOGIN, LOGIN,  LOGIN,  LOGIN)
STAFF_PAGE      = (LOGIN, NO,    NO,    NO,    OK,     OK,     OK)
MANAGER_PAGE    = (LOGIN, NO,    NO,    NO,    NO,     OK,     OK)
MANAGER_ACTION  = (LOGIN, NO,    NO,    NO,    NO,     GO,     GO)
LOGIN_FORM      = (OK,    GO,    GO,    OK,    OK,     OK,     OK)
STAFF_LOGIN     = (OK,    OK,    OK,    OK,    GO,     GO,     GO)


def staff_object(kind, answer=OK):
    """A back-office object any staff of its organization may open."""
    return Ids(
        kind,
        own=   (LOGIN, NO, NO, NO, answer, answer, NF),
        other= (LOGIN, NO, NO, NO, NF,     NF,     answer),
        random=(LOGIN, NO, NO, NO, NF,     NF,     NF),
    )


def manager_object(kind, answer=OK):
    """A back-office object only a manager of its organization may open."""
    return Ids(
        kind,
        own=   (LOGIN, NO, NO, NO, NO, answer, NF),
        other= (LOGIN, NO, NO, NO, NO, NF,     answer),
        random=(LOGIN, NO, NO, NO, NO, NF,     NF),
    )


RESET_LINK = Ids(
    "reset", own=every(GO), other=every(DEAD), random=every(DEAD), cross=every(DEAD)
)

ACCESS = {
    # -- outside the front ends ------------------------------------------------
    "home":                     {"GET": every(GO)},
    "healthz":                  {"GET": every(OK)},
    "favicon":                  {"GET": every(GO)},
    "set_language":             {"POST": every(GO)},
    "admin:index":              {"GET": every(LOGIN)},  # no platform admin here

    # -- the shop of A: open to all, the basket is the visitor's own ------------
    "shop:home":                {"GET": every(OK)},
    "shop:cart":                {"GET": every(OK)},
    "shop:cart_add":            {"POST": every(GO)},
    "shop:cart_update":         {"POST": every(GO)},
    "shop:cart_remove":         {"POST": every(GO)},
    "shop:cart_slot":           {"POST": every(GO)},
    # The products of the world have no image: none to send, to anyone.
    "shop:product_image": {"GET": Ids(
        "product", own=every(NF), other=every(NF), random=every(NF),
        cross=every(NF),
    )},
    "shop:checkout":            {"GET": MEMBER_ACTION, "POST": MEMBER_ACTION},
    "shop:confirmation": {"GET": Ids(
        "sale",
        own=   (NF, OK, NF, NF, NF, NF, NF),
        other=every(NF), random=every(NF), cross=every(NF),
    )},
    # The provider's "back to the shop" link: the buyer's own basket only.
    "shop:payment_cancel": {"GET": Ids(
        "sale",
        own=   (NF, GO, NF, NF, NF, NF, NF),
        other=every(NF), random=every(NF), cross=every(NF),
    )},
    # The payment page stands for the provider's: its signed token is the key.
    "shop:simulator": {
        "GET": Ids("payment", own=every(OK),
                   other=every(NF), random=every(NF), cross=every(NF)),
        "POST": Ids("payment", own=every(BAD),
                    other=every(NF), random=every(NF), cross=every(NF)),
    },
    # Server to server: an unsigned body is refused whoever sends it.
    "shop:payment_notification": {"POST": Ids(
        "provider", own=every(BAD), random=every(NF), cross=every(BAD),
    )},

    # -- the member space of A ---------------------------------------------------
    "members:home":             {"GET": MEMBER_PAGE},
    "members:login":            {"GET": LOGIN_FORM, "POST": LOGIN_FORM,
                                 "PUT": LOGIN_FORM},
    "members:logout":           {"POST": every(GO)},
    # "Vos factures" does not even say it exists to who may not see it.
    # A document link from a mail, opened by anyone not a member here, goes
    # to the login and back; a member who may not see it gets 404.
    "members:invoices":         {"GET": MEMBER_PAGE},
    "members:invoice_download": {"GET": Ids(
        "invoice",
        own=   (LOGIN, OK, NF, LOGIN, LOGIN, LOGIN, LOGIN),
        other= (LOGIN, NF, NF, LOGIN, LOGIN, LOGIN, LOGIN),
        random=(LOGIN, NF, NF, LOGIN, LOGIN, LOGIN, LOGIN),
        cross= (LOGIN, LOGIN, LOGIN, NF, LOGIN, LOGIN, LOGIN),
    )},
    "members:request_invoice": {"POST": Ids(
        "sale",
        own=   (LOGIN, GO,    NF,    LOGIN, LOGIN, LOGIN, LOGIN),
        other= (LOGIN, NF,    NF,    LOGIN, LOGIN, LOGIN, LOGIN),
        random=(LOGIN, NF,    NF,    LOGIN, LOGIN, LOGIN, LOGIN),
        cross= (LOGIN, LOGIN, LOGIN, NF,    LOGIN, LOGIN, LOGIN),
    )},
    "members:profile":          {"GET": MEMBER_PAGE, "POST": MEMBER_PAGE,
                                 "PUT": MEMBER_PAGE},
    "members:bookings":         {"GET": MEMBER_PAGE},
    "members:tickets":          {"GET": MEMBER_PAGE},
    "members:vouchers":         {"GET": MEMBER_PAGE},
    "members:ticket_download": {"GET": Ids(
        "ticket",
        own=   (LOGIN, OK,    NF,    LOGIN, LOGIN, LOGIN, LOGIN),
        other= (LOGIN, NF,    NF,    LOGIN, LOGIN, LOGIN, LOGIN),
        random=(LOGIN, NF,    NF,    LOGIN, LOGIN, LOGIN, LOGIN),
        cross= (LOGIN, LOGIN, LOGIN, NF,    LOGIN, LOGIN, LOGIN),
    )},
    "members:password_reset":   {"GET": every(OK), "POST": every(OK),
                                 "PUT": every(OK)},
    "members:password_reset_done":     {"GET": every(OK)},
    "members:password_reset_complete": {"GET": every(OK)},
    "members:password_reset_confirm":  {"GET": RESET_LINK, "POST": RESET_LINK,
                                        "PUT": RESET_LINK},
    "members:password_set":            {"GET": RESET_LINK, "POST": RESET_LINK,
                                        "PUT": RESET_LINK},

    # -- the back office: staff of one organization, managers for some pages -----
    "backoffice:login":         {"GET": STAFF_LOGIN, "POST": STAFF_LOGIN,
                                 "PUT": STAFF_LOGIN},
    "backoffice:logout":        {"POST": every(GO)},
    "backoffice:dashboard":     {"GET": STAFF_PAGE},
    "backoffice:counter":       {"GET": STAFF_PAGE, "POST": STAFF_PAGE},
    "backoffice:sales":         {"GET": STAFF_PAGE},
    "backoffice:sale":          {"GET": staff_object("sale")},
    "backoffice:sale_issue_invoice": {"POST": staff_object("sale", GO)},
    "backoffice:sale_refund":   {"POST": manager_object("sale")},
    "backoffice:clients":       {"GET": STAFF_PAGE},
    "backoffice:client_create": {"GET": STAFF_PAGE, "POST": STAFF_PAGE},
    "backoffice:client":        {"GET": staff_object("client"),
                                 "POST": staff_object("client")},
    "backoffice:client_invite": {"POST": staff_object("client", GO)},
    "backoffice:alerts":        {"GET": STAFF_PAGE},
    "backoffice:alert_close":   {"POST": manager_object("alert", GO)},
    "backoffice:document_pdf":  {"GET": staff_object("invoice")},
    # The world's sale is an online one: no till receipt, back to the sale.
    "backoffice:sale_receipt":  {"POST": staff_object("sale", GO)},
    "backoffice:document_resend": {"POST": staff_object("invoice", GO)},
    "backoffice:groups":        {"GET": MANAGER_PAGE},
    "backoffice:group_create":  {"GET": MANAGER_PAGE, "POST": MANAGER_PAGE},
    "backoffice:group":         {"GET": manager_object("group"),
                                 "POST": manager_object("group")},
    "backoffice:group_add_member":    {"POST": manager_object("group", GO)},
    "backoffice:group_remove_member": {"POST": manager_object("group_member", GO)},
    "backoffice:invoices":      {"GET": MANAGER_PAGE},
    "backoffice:invoices_zip":  {"GET": MANAGER_PAGE},
    "backoffice:invoices_csv":  {"GET": MANAGER_PAGE},
    "backoffice:invoices_xlsx": {"GET": MANAGER_PAGE},
    "backoffice:missing_invoices": {"GET": MANAGER_PAGE, "POST": MANAGER_ACTION},
    "backoffice:parks":         {"GET": MANAGER_PAGE},
    "backoffice:park":          {"GET": manager_object("park"),
                                 "POST": manager_object("park")},
    "backoffice:products":      {"GET": MANAGER_PAGE},
    "backoffice:product_create": {"GET": MANAGER_PAGE,
                                  "POST": (LOGIN, NO, NO, NO, NO, "400", "400")},
    "backoffice:product":       {"GET": manager_object("product"),
                                 "POST": manager_object("product", "400")},
    "backoffice:product_archive": {"POST": manager_object("product", GO)},
    "backoffice:product_delete": {"POST": manager_object("product", GO)},
    "backoffice:product_group_price": {"POST": manager_object("product", "400")},
    "backoffice:product_group_price_remove": {
        "POST": manager_object("product_group", GO)},
    "backoffice:product_schedule": {"POST": manager_object("product", "400")},
    "backoffice:product_closed_day": {"POST": manager_object("product", "400")},
    "backoffice:payment_settings": {"GET": MANAGER_PAGE, "POST": MANAGER_PAGE},
    "backoffice:einvoicing":    {"GET": MANAGER_PAGE, "POST": MANAGER_PAGE},
    "backoffice:ereports":      {"GET": MANAGER_PAGE, "POST": MANAGER_ACTION},
    "backoffice:client_directory": {"POST": staff_object("client", GO)},
    # Server to server: the approved platform's notifications, signed.
    "einvoicing:webhook":       {"POST": every(BAD)},
    # An empty form comes back with its errors: nothing corrected.
    "backoffice:invoice_correct": {"GET": staff_object("invoice"),
                                   "POST": staff_object("invoice")},
    "backoffice:accounting_plan":    {"GET": MANAGER_PAGE, "POST": MANAGER_PAGE},
    "backoffice:accounting_exports": {"GET": MANAGER_PAGE, "POST": MANAGER_PAGE},
    "backoffice:accounting_export_download": {"GET": manager_object("export")},
}
# fmt: on

# The payment page shows its own sale to whoever holds the token.
NO_MARKER_CHECK = {"shop:simulator"}


def body_for(world: World, name: str, variant: str) -> dict:
    """A minimal body: empty, but for actions that name a second object."""
    if name == "backoffice:group_add_member":
        return {"client": str(ids(world, "client", variant))}
    return {}


def readable(response) -> str:
    """What a person could read in the answer, whatever its format."""
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        return ""  # only ever its owner's (the table says who gets one)
    if kind.startswith("application/zip"):
        return "\n".join(zipfile.ZipFile(io.BytesIO(content)).namelist())
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return "\n".join(
            str(value)
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


def answer(response, name: str, kwargs: dict, path: str) -> str:
    """The answer's kind, as the table writes it."""
    status = response.status_code
    if status == 302:
        target = urlparse(response["Location"])
        if target.netloc not in ("", "testserver"):
            return f"302 off-site {response['Location']}"
        if target.path == login_url(name, kwargs):
            following = parse_qs(target.query).get("next")
            if following == [path]:
                return LOGIN
            if following is None:
                return GO  # a plain way to the sign-in page, as after logging out
            return f"302 login with next={following}"
        if target.path.endswith("/connexion/") or "/login/" in target.path:
            return f"302 to another login {target.path}"
        return GO
    if status == 200 and response.context is not None:
        if response.context.get("validlink") is False:
            return DEAD
    if status == 200:
        return OK
    return str(status)


def checks(world: World, area: str):
    """(endpoint, method, variant, visitor, expected, kwargs) for one area."""
    for endpoint in endpoints():
        if _area(endpoint.name) != area:
            continue
        for method, rule in ACCESS.get(endpoint.name, {}).items():
            rules = rule.variants() if isinstance(rule, Ids) else [("own", rule)]
            kind = rule.kind if isinstance(rule, Ids) else None
            for variant, expected in rules:
                kwargs = url_kwargs(world, endpoint, kind, variant)
                for visitor, outcome in zip(VISITORS, expected, strict=True):
                    yield endpoint, method, variant, visitor, outcome, kwargs


def _area(name: str) -> str:
    return (
        name.split(":")[0]
        if name.startswith(("shop:", "members:"))
        else ("backoffice" if name.startswith("backoffice:") else "root")
    )


def run(world: World, endpoint: Endpoint, method, variant, visitor, expected, kwargs):
    """Ask, compare with the table; the problems found, if any."""
    path = reverse(endpoint.name, kwargs=kwargs)
    where = f"{method} {endpoint.name} [{variant}] as {visitor}"
    problems = []
    with transaction.atomic():
        http = world.http(visitor, raise_request_exception=False)
        body = body_for(world, endpoint.name, variant)
        with CaptureQueriesContext(connection) as queries:
            if method == "GET":
                response = http.get(path)
            elif method == "POST":
                response = http.post(path, body)
            else:
                response = http.generic(method, path)
        got = answer(response, endpoint.name, kwargs, path)
        if got != expected:
            problems.append(f"{where}: expected {expected}, got {got}")
        if expected in REFUSED and business_writes(queries.captured_queries):
            written = business_writes(queries.captured_queries)
            problems.append(f"{where}: refused, yet it wrote {written}")
        if endpoint.name not in NO_MARKER_CHECK:
            text = readable(response)
            leaked = sorted(
                marker
                for marker in world.forbidden_markers(visitor)
                # An id the visitor typed may be repeated back to it.
                if marker in text and marker not in path
            )
            if leaked:
                problems.append(f"{where}: shows {leaked}")
        transaction.set_rollback(True)
    return problems


def test_the_table_covers_every_url_and_method():
    found = {(e.name, m) for e in endpoints() for m in e.methods}
    written = {(name, m) for name, rules in ACCESS.items() for m in rules}
    assert sorted(found - written) == [], "URLs without a row in ACCESS"
    assert sorted(written - found) == [], "rows for URLs that no longer exist"


def test_rows_with_ids_are_for_urls_with_ids():
    for endpoint in endpoints():
        takes_ids = bool(set(endpoint.params) - {"org_slug"})
        for method, rule in ACCESS.get(endpoint.name, {}).items():
            assert isinstance(rule, Ids) == takes_ids, (endpoint.name, method)
            if isinstance(rule, Ids):
                has_cross = rule.cross is not None
                assert has_cross == ("org_slug" in endpoint.params), endpoint.name


@pytest.mark.parametrize("area", ["root", "shop", "members", "backoffice"])
def test_every_visitor_gets_the_answer_of_the_table(world, area):
    world.sign_in_everyone()
    problems = []
    for check in checks(world, area):
        problems.extend(run(world, *check))
    assert problems == [], "\n".join(problems)
