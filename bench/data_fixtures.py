"""Load a large, realistic invoicing history into PostgreSQL with set-based SQL.

The services issue one document at a time (lock, snapshot, hash, PDF task);
a million of them would take hours. Here every table is filled by
`INSERT … SELECT … FROM generate_series`, with rows shaped like the ones the
services write:

- one organization, one park (series `KD`), one customer group with online
  invoices on, `clients` complete B2B client records, the first `members`
  of them with an account (the first one is the heavy member measured);
- one paid sale per invoice (`S-YYMMDD-NNNNNN`, numbered per day like
  `sales.services`), its lines (tickets at 20 %, snacks at 10 %, laser game
  at 5.5 %, or a multi-purpose gift voucher outside the scope of VAT);
- invoices `FA-KD-YYYYMMDD-NNNNNN` with a continuous sequence in issue
  order over `months` months, business hours in Europe/Paris, totals equal
  to the sum of their `InvoiceTaxLine` rows (excl. = round(incl. / (1 +
  rate)), half-up, per rate), a snapshot with the shape of
  `invoicing.services.snapshot.build_snapshot` (docs/snapshot.md);
- about 5 % full credit notes `AV-KD-…` (own continuous series) two days
  after the invoice they cancel, whose sale lines are then refunded;
- the numbering counters left where the services would find them.

What is not real: `hash` is sha256(number) and `previous_hash` the hash of
the previous number of the series, so the chain is linked but
`verify_invoices` would reject the content hashes; no payments rows, no
audit events and no PDFs (`rendered_at` is null, as if no worker ran:
a download renders on demand from the snapshot, which is complete).

While loading, the big tables lose their secondary indexes, unique and
foreign-key constraints, which are rebuilt afterwards exactly as the
migrations defined them (one sort per index instead of a million inserts
into each, one join per foreign key instead of a trigger per row).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

BIG_TABLES = (
    "sales_sale",
    "sales_saleline",
    "invoicing_invoice",
    "invoicing_invoicetaxline",
)
TIME_ZONE = "Europe/Paris"
SLUG = "data"
SERIES = "KD"
MANAGER_EMAIL = "manager@data.example"
SIRET = "32456789000011"


@dataclass
class LoadReport:
    invoices: int = 0
    credit_notes: int = 0
    sales: int = 0
    sale_lines: int = 0
    tax_lines: int = 0
    clients: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    steps: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())


@contextmanager
def step(report: LoadReport, name: str, log: Callable[[str], None]) -> Iterator[None]:
    log(f"  {name}…")
    started = time.perf_counter()
    yield
    report.steps[name] = time.perf_counter() - started
    log(f"  {name}: {report.steps[name]:.1f} s")


def execute(sql: str, params: dict | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def without_secondary_indexes(tables: tuple[str, ...]) -> Iterator[None]:
    """Drop the tables' unique and foreign-key constraints and secondary
    indexes (primary keys stay), and recreate them all on exit."""
    constraints = fetch(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
        FROM pg_constraint
        WHERE conrelid = ANY(%(tables)s::regclass[]) AND contype IN ('u', 'f')
        """,
        {"tables": list(tables)},
    )
    indexes = fetch(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        {"tables": list(tables)},
    )
    # Foreign keys ("f") go first and come back last: a unique constraint
    # may back one.
    constraints.sort(key=lambda c: c[3])
    for table, name, _definition, _kind in constraints:
        execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        execute(f"DROP INDEX {name}")
    yield
    for table, name, definition, _kind in reversed(constraints):
        execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        execute(definition)


def create_world(*, clients: int, members: int) -> dict:
    """The organization, its park, group, products, manager and clients."""
    from django.contrib.auth.hashers import make_password

    from comptoir.catalog.models import Product, ProductKind
    from comptoir.customers.models import CustomerGroup
    from comptoir.invoicing.services.snapshot import seller_snapshot
    from comptoir.organizations.models import Organization, Park, User, UserKind

    organization = Organization.objects.create(name="Loisirs Data", slug=SLUG)
    park = Park.objects.create(
        organization=organization,
        name="KD Trampoline Park",
        public_code="QW-KD",
        invoice_series=SERIES,
        company_name="KD LOISIRS SAS",
        legal_form="SAS",
        share_capital="50 000 €",
        siren="852345677",
        siret="85234567700011",
        rcs="RCS Sens 852 345 677",
        vat_number="FR61852345677",
        address="12 rue des Loisirs",
        postcode="89100",
        city="SENS",
        email="contact@kd.example",
        phone="03 86 00 00 00",
        time_zone=TIME_ZONE,
    )
    group = CustomerGroup.objects.create(
        organization=organization,
        name="Groupe CE privilège",
        private_shop=True,
        online_invoices=True,
    )
    User.objects.create_user(
        username=User.username_for(UserKind.STAFF, organization, MANAGER_EMAIL),
        email=MANAGER_EMAIL,
        password="data-Passw0rd!",
        kind=UserKind.STAFF,
        organization=organization,
        role="manager",
        first_name="Manager",
    )

    def product(name: str, kind: str, price: str, rate: str) -> int:
        return Product.objects.create(
            organization=organization,
            park=park,
            name=name,
            kind=kind,
            price_incl=Decimal(price),
            vat_rate=rate,
        ).pk

    products = {
        "ticket": product("Entrée 1h", ProductKind.TICKET, "30.00", "20.00"),
        "snack": product("Formule goûter", ProductKind.FOOD_DRINK, "20.00", "10.00"),
        "laser": product("Laser game", ProductKind.BOOKING, "25.00", "5.50"),
        "voucher": product("Bon cadeau 150 €", ProductKind.GIFT_VOUCHER, "150.00", ""),
    }
    params = {
        "org": organization.pk,
        "park": park.pk,
        "group": group.pk,
        "clients": clients,
        "members": members,
        "password": make_password("data-Passw0rd!"),
        "prefix": f"member:{SLUG}:",
    }
    execute(
        """
        INSERT INTO customers_client (
            id, first_name, last_name, email, profile, phone, address,
            address_complement, city, postcode, country, company_name,
            accounting_code, vat_number, siret, created_at, updated_at,
            initial_park_id, organization_id, user_id)
        SELECT n, (ARRAY['Eric','Léa','Karim','Sophie','Hugo','Inès'])[1 + n %% 6],
            'CLIENT' || n, 'client' || n || '@data.example',
            'professional', '01 23 45 ' || lpad((n %% 10000)::text, 4, '0'),
            n || ' rue du Commerce', CASE WHEN n %% 3 = 0 THEN 'Bât. B' ELSE '' END,
            (ARRAY['PARIS','SENS','AUXERRE','LYON','DIJON'])[1 + n %% 5],
            lpad((75001 + n %% 20000)::text, 5, '0'), 'FR',
            'SOCIETE ' || n || ' SAS', '411' || lpad(n::text, 6, '0'),
            'FR28324567890', %(siret)s, now() - interval '3 years', now(),
            %(park)s, %(org)s, NULL
        FROM generate_series(1, %(clients)s) AS n
        """,
        {**params, "siret": SIRET},
    )
    execute(
        """
        INSERT INTO customers_client_groups (client_id, customergroup_id)
        SELECT n, %(group)s FROM generate_series(1, %(clients)s) AS n
        """,
        params,
    )
    execute(
        """
        INSERT INTO organizations_user (
            password, is_superuser, username, first_name, last_name, email,
            is_staff, is_active, date_joined, kind, role, organization_id)
        SELECT %(password)s, false, %(prefix)s || c.email, c.first_name,
            c.last_name, c.email, false, true, now(), 'member', '', %(org)s
        FROM customers_client c WHERE c.id <= %(members)s
        """,
        params,
    )
    execute(
        """
        UPDATE customers_client c SET user_id = u.id
        FROM organizations_user u
        WHERE u.kind = 'member' AND u.email = c.email AND c.id <= %(members)s
        """,
        params,
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('customers_client', 'id'), %(clients)s)",
        params,
    )
    return {**params, "products": products, "seller": seller_snapshot(park)}


# One row per invoice, everything the documents, sales and lines need.
STAGE_SQL = """
CREATE UNLOGGED TABLE bench_stage AS
WITH base AS (
    SELECT i,
        abs(hashint8(i)) AS h1,
        abs(hashint8(-i)) AS h2,
        (i - 1) * %(days)s / %(n_inv)s AS day_index,
        ((i - 1) * %(days)s %% %(n_inv)s)::float8 / %(n_inv)s AS day_fraction
    FROM generate_series(1::bigint, %(n_inv)s) AS i
), shaped AS (
    SELECT i, h1, h2,
        ((%(first_day)s::date + day_index::int) + time '09:00'
            + day_fraction * interval '12 hours') AT TIME ZONE %(tz)s AS issued_at,
        CASE
            WHEN i %% %(stride)s = 0 AND i <= %(stride)s * %(member_invoices)s THEN 1
            ELSE 2 + h1 %% (%(clients)s - 1)
        END AS client_id,
        CASE WHEN h2 %% 10 < 7 THEN 'online' ELSE 'counter' END AS channel,
        h2 %% 50 = 3 AS voucher
    FROM base
), quantities AS (
    SELECT *,
        CASE WHEN voucher THEN 0 ELSE 1 + h1 %% 4 END AS q20,
        CASE WHEN NOT voucher AND (h1 / 4) %% 5 < 2 THEN 1 + (h1 / 20) %% 3
             ELSE 0 END AS q10,
        CASE WHEN NOT voucher AND (h1 / 60) %% 6 = 0 THEN 1 + (h1 / 360) %% 4
             ELSE 0 END AS q55,
        CASE WHEN voucher THEN 1 + (h1 / 7) %% 2 ELSE 0 END AS qv,
        (issued_at AT TIME ZONE %(tz)s)::date AS issue_date
    FROM shaped
), amounts AS (
    SELECT *,
        (q20 * 30.00)::numeric(12, 2) AS incl20,
        round(q20 * 30.00 / 1.20, 2)::numeric(12, 2) AS base20,
        (q10 * 20.00)::numeric(12, 2) AS incl10,
        round(q10 * 20.00 / 1.10, 2)::numeric(12, 2) AS base10,
        (q55 * 25.00)::numeric(12, 2) AS incl55,
        round(q55 * 25.00 / 1.055, 2)::numeric(12, 2) AS base55,
        (qv * 150.00)::numeric(12, 2) AS inclv
    FROM quantities
)
SELECT *,
    (base20 + base10 + base55 + inclv)::numeric(12, 2) AS excl,
    (incl20 + incl10 + incl55 + inclv)::numeric(12, 2) AS incl,
    (incl20 - base20 + incl10 - base10 + incl55 - base55)::numeric(12, 2) AS vat,
    CASE WHEN voucher THEN 'out_of_scope' ELSE 'taxable' END AS scope,
    'FA-' || %(series)s || '-' || to_char(issue_date, 'YYYYMMDD') || '-'
        || lpad(i::text, greatest(6, length(i::text)), '0') AS number,
    'S-' || to_char(issue_date, 'YYMMDD') || '-'
        || lpad((row_number() OVER (PARTITION BY issue_date ORDER BY i))::text,
                6, '0') AS sale_number
FROM amounts
"""

# The lines of a document (and of its sale), one per product bought; rows
# with a zero quantity are filtered out by the callers.
LINES_SQL = """
(VALUES
    (0, 'Entrée 1h', 'ticket', 'services', s.q20, 30.00, 20.00, s.incl20, s.base20,
     %(ticket)s::bigint),
    (1, 'Laser game', 'booking', 'services', s.q55, 25.00, 5.50, s.incl55, s.base55,
     %(laser)s::bigint),
    (2, 'Formule goûter', 'food_drink', 'goods', s.q10, 20.00, 10.00, s.incl10,
     s.base10, %(snack)s::bigint),
    (3, 'Bon cadeau 150 €', 'gift_voucher', 'voucher', s.qv, 150.00, NULL, s.inclv,
     s.inclv, %(voucher)s::bigint)
) AS l(slot, description, product_kind, nature, quantity, unit_incl, rate,
       incl, excl, product_id)
"""

SNAPSHOT_SQL = """
jsonb_build_object(
    'document', jsonb_build_object(
        'kind', %(kind)s, 'type_code', %(type_code)s, 'number', {number},
        'issue_date', {issue_date}::text,
        'cancels', {cancels}, 'reason', {reason},
        'currency', 'EUR'),
    'sale', jsonb_build_object(
        'number', s.sale_number, 'date', s.issue_date::text),
    'seller', %(seller)s::jsonb,
    'buyer', b.buyer,
    'lines', (
        SELECT jsonb_agg(jsonb_build_object(
            'sale_line_id', (s.i - 1) * 4 + l.slot + 1,
            'description', l.description, 'product_kind', l.product_kind,
            'nature', l.nature, 'quantity', l.quantity::text,
            'unit_price_incl', l.unit_incl::numeric(10, 2)::text,
            'unit_price_excl', CASE
                WHEN round(l.excl / l.quantity, 4) = trunc(l.excl / l.quantity)
                THEN round(l.excl / l.quantity, 2)::text
                ELSE trim_scale(round(l.excl / l.quantity, 4))::text END,
            'vat_rate', l.rate::numeric(5, 2)::text,
            'vat_category', CASE WHEN l.rate IS NULL THEN 'O' ELSE 'S' END,
            'total_incl', l.incl::text, 'total_excl', l.excl::text,
            'total_vat', (l.incl - l.excl)::numeric(12, 2)::text) ORDER BY l.slot)
        FROM {lines} WHERE l.quantity > 0),
    'vat_breakdown', (
        SELECT jsonb_agg(jsonb_build_object(
            'vat_rate', l.rate::numeric(5, 2)::text,
            'vat_category', CASE WHEN l.rate IS NULL THEN 'O' ELSE 'S' END,
            'base', l.excl::text, 'vat', (l.incl - l.excl)::numeric(12, 2)::text,
            'total_incl', l.incl::text)
            ORDER BY l.rate IS NULL, l.rate DESC)
        FROM {lines} WHERE l.quantity > 0),
    'totals', jsonb_build_object(
        'excl', s.excl::text, 'vat', s.vat::text, 'incl', s.incl::text,
        'paid', {paid}, 'due', '0.00'),
    'payments', {payments},
    'nature', CASE WHEN s.q10 > 0 THEN 'mixed' ELSE 'services' END,
    'notes', '[]'::jsonb)
"""

INVOICE_PAYMENTS = """jsonb_build_array(jsonb_build_object(
    'method', CASE WHEN s.channel = 'online' THEN 'online_card' ELSE 'card' END,
    'method_label', CASE WHEN s.channel = 'online'
        THEN 'Carte bancaire en ligne' ELSE 'Carte bancaire' END,
    'amount', s.incl::text, 'date', s.issue_date::text,
    'reference', 'psp-' || s.i))"""

REFUND_PAYMENTS = """jsonb_build_array(jsonb_build_object(
    'method', 'card', 'method_label', 'Carte bancaire',
    'amount', s.incl::text, 'date', c.issue_date::text,
    'reference', 'refund-' || c.j))"""

INVOICE_COLUMNS = """
    id, public_id, kind, scope, generation, is_full_credit, sequence, number,
    issued_at, issue_date, sale_number, sale_date, buyer_name, total_excl,
    total_vat, total_incl, snapshot, previous_hash, hash, pdf, pdf_sha256,
    rendered_at, client_id, credited_invoice_id, issued_by_id, organization_id,
    park_id, sale_id
"""


def _sha(expr: str) -> str:
    return f"encode(sha256(convert_to({expr}, 'UTF8')), 'hex')"


def load_history(
    world: dict,
    *,
    invoices: int,
    months: int,
    member_invoices: int,
    credit_share: float,
    report: LoadReport,
    log: Callable[[str], None],
) -> None:
    n_cn = max(1, round(invoices * credit_share))
    n_inv = invoices - n_cn
    today = timezone.localdate()  # Europe/Paris, the park's time zone
    days = round(months * 365.25 / 12)
    first_day = today - dt.timedelta(days=days)
    # Credit notes come two days after their invoice: the last invoices of the
    # period are never credited, so no credit note lands in the future.
    margin = math.ceil(n_inv * 3 / days)
    params = {
        **world["products"],
        "org": world["org"],
        "park": world["park"],
        "clients": world["clients"],
        "n_inv": n_inv,
        "n_cn": n_cn,
        "days": days,
        "first_day": first_day,
        "tz": TIME_ZONE,
        "series": SERIES,
        "member_invoices": min(member_invoices, n_inv),
        "stride": max(1, n_inv // max(1, member_invoices)),
        "usable": max(n_cn, n_inv - margin),
        "seller": json.dumps(world["seller"]),
    }
    report.first_day, report.last_day = first_day, today - dt.timedelta(days=1)
    execute("SET synchronous_commit = off")
    execute("SET maintenance_work_mem = '256MB'")
    execute("SET work_mem = '64MB'")

    with step(report, "staging (one row per invoice)", log):
        execute("DROP TABLE IF EXISTS bench_stage, bench_credit, bench_buyer")
        execute(STAGE_SQL, params)
        execute("CREATE UNIQUE INDEX ON bench_stage (i)")
        execute(
            """
            CREATE UNLOGGED TABLE bench_credit AS
            SELECT j, 1 + (j - 1) * %(usable)s / %(n_cn)s AS i
            FROM generate_series(1::bigint, %(n_cn)s) AS j
            """,
            params,
        )
        execute("CREATE UNIQUE INDEX ON bench_credit (i)")
        execute(
            """
            CREATE UNLOGGED TABLE bench_buyer AS
            SELECT id AS client_id, company_name AS buyer_name,
                jsonb_build_object(
                    'company_name', company_name,
                    'contact_name', first_name || ' ' || last_name,
                    'email', email, 'address', address,
                    'address_complement', address_complement,
                    'postcode', postcode, 'city', city, 'country', country,
                    'vat_number', vat_number, 'siret', siret,
                    'siren', left(siret, 9), 'registration', siret,
                    'accounting_code', accounting_code, 'professional', true
                ) AS buyer
            FROM customers_client WHERE organization_id = %(org)s
            """,
            params,
        )
        execute("ANALYZE bench_stage, bench_credit, bench_buyer")

    lines = LINES_SQL
    with without_secondary_indexes(BIG_TABLES):
        with step(report, "sales", log):
            execute(
                """
                INSERT INTO sales_sale (
                    id, public_id, channel, status, number, sale_date, total_incl,
                    created_at, paid_at, client_id, created_by_id,
                    organization_id, park_id)
                SELECT i, gen_random_uuid(), channel, 'paid', sale_number,
                    issue_date, incl, issued_at - interval '3 minutes',
                    issued_at - interval '1 second', client_id, NULL,
                    %(org)s, %(park)s
                FROM bench_stage
                """,
                params,
            )
        with step(report, "sale lines", log):
            execute(
                f"""
                INSERT INTO sales_saleline (
                    id, description, product_kind, quantity, unit_price_incl,
                    vat_rate, total_incl, refunded_quantity, booking_start,
                    product_id, sale_id)
                SELECT (s.i - 1) * 4 + l.slot + 1, l.description, l.product_kind,
                    l.quantity, l.unit_incl, l.rate, l.incl,
                    CASE WHEN c.j IS NULL THEN 0 ELSE l.quantity END,
                    CASE WHEN l.product_kind = 'booking'
                        THEN s.issued_at + interval '2 days' END,
                    l.product_id, s.i
                FROM bench_stage s LEFT JOIN bench_credit c USING (i)
                CROSS JOIN LATERAL {lines} WHERE l.quantity > 0
                """,
                params,
            )
        with step(report, "invoices", log):
            snapshot = SNAPSHOT_SQL.format(
                number="s.number",
                issue_date="s.issue_date",
                cancels="'null'::jsonb",
                reason="''",
                paid="s.incl::text",
                payments=INVOICE_PAYMENTS,
                lines=lines,
            )
            execute(
                f"""
                INSERT INTO invoicing_invoice ({INVOICE_COLUMNS})
                SELECT s.i, gen_random_uuid(), 'invoice', s.scope, 1, false, s.i,
                    s.number, s.issued_at, s.issue_date, s.sale_number,
                    s.issue_date, b.buyer_name, s.excl, s.vat, s.incl,
                    {snapshot},
                    CASE WHEN s.i = 1 THEN '' ELSE {_sha("p.number")} END,
                    {_sha("s.number")}, '', '', NULL, s.client_id, NULL, NULL,
                    %(org)s, %(park)s, s.i
                FROM bench_stage s
                JOIN bench_buyer b USING (client_id)
                LEFT JOIN bench_stage p ON p.i = s.i - 1
                """,
                {**params, "kind": "invoice", "type_code": "380"},
            )
        with step(report, "credit notes", log):
            cn_number = (
                "'AV-' || %(series)s || '-' || to_char(c.issue_date, 'YYYYMMDD') || "
                "'-' || lpad(c.j::text, greatest(6, length(c.j::text)), '0')"
            )
            snapshot = SNAPSHOT_SQL.format(
                number="c.number",
                issue_date="c.issue_date",
                cancels="jsonb_build_object('number', s.number, "
                "'issue_date', s.issue_date::text)",
                reason="'Remboursement à la demande du client'",
                paid="s.incl::text",
                payments=REFUND_PAYMENTS,
                lines=lines,
            )
            execute(
                f"""
                WITH dated AS (
                    SELECT j, i, s.issued_at + interval '2 days 3 hours' AS issued_at,
                        ((s.issued_at + interval '2 days 3 hours')
                            AT TIME ZONE %(tz)s)::date AS issue_date
                    FROM bench_credit JOIN bench_stage s USING (i)
                ), numbered AS (
                    SELECT *, {cn_number} AS number FROM dated c
                )
                INSERT INTO invoicing_invoice ({INVOICE_COLUMNS})
                SELECT %(n_inv)s + c.j, gen_random_uuid(), 'credit_note', s.scope, 1,
                    true, c.j, c.number, c.issued_at, c.issue_date, s.sale_number,
                    s.issue_date, b.buyer_name, s.excl, s.vat, s.incl,
                    {snapshot},
                    CASE WHEN c.j = 1 THEN '' ELSE {_sha("p.number")} END,
                    {_sha("c.number")}, '', '', NULL, s.client_id, s.i, NULL,
                    %(org)s, %(park)s, s.i
                FROM numbered c
                JOIN bench_stage s USING (i)
                JOIN bench_buyer b USING (client_id)
                LEFT JOIN numbered p ON p.j = c.j - 1
                """,
                {**params, "kind": "credit_note", "type_code": "381"},
            )
        with step(report, "tax lines", log):
            execute(
                f"""
                INSERT INTO invoicing_invoicetaxline (
                    vat_rate, vat_category, base, vat, total_incl, invoice_id)
                SELECT l.rate, CASE WHEN l.rate IS NULL THEN 'O' ELSE 'S' END,
                    l.excl, l.incl - l.excl, l.incl, d.id
                FROM (
                    SELECT i AS id, i FROM bench_stage
                    UNION ALL
                    SELECT %(n_inv)s + j, i FROM bench_credit
                ) AS d
                JOIN bench_stage s USING (i)
                CROSS JOIN LATERAL {lines} WHERE l.quantity > 0
                ORDER BY d.id, l.rate IS NULL, l.rate DESC
                """,
                params,
            )
        started = time.perf_counter()
        log("  indexes and constraints…")
    report.steps["indexes and constraints"] = time.perf_counter() - started
    log(f"  indexes and constraints: {report.steps['indexes and constraints']:.1f} s")

    with step(report, "counters", log):
        execute(
            f"""
            INSERT INTO core_counter (park_id, key, last_value, last_hash)
            SELECT %(park)s, 'doc:invoice', %(n_inv)s, {_sha("number")}
            FROM bench_stage WHERE i = %(n_inv)s
            UNION ALL
            SELECT %(park)s, 'doc:credit_note', %(n_cn)s, {_sha("number")}
            FROM invoicing_invoice WHERE id = %(n_inv)s + %(n_cn)s
            UNION ALL
            SELECT %(park)s, 'sale:' || to_char(issue_date, 'YYMMDD'), count(*), ''
            FROM bench_stage GROUP BY issue_date
            """,
            params,
        )
        for table in BIG_TABLES:
            execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        execute("DROP TABLE bench_stage, bench_credit, bench_buyer")

    with step(report, "vacuum analyze", log):
        # Autovacuum would get there in production; the visibility map lets
        # PostgreSQL answer counts from indexes alone.
        for table in BIG_TABLES:
            execute(f"VACUUM (ANALYZE) {table}")
        execute("ANALYZE")  # the small tables too: clients, groups, users

    counts = dict(
        fetch(
            """
            SELECT 'invoices', count(*) FILTER (WHERE kind = 'invoice')
                FROM invoicing_invoice
            UNION ALL SELECT 'credit_notes', count(*) FILTER (
                WHERE kind = 'credit_note') FROM invoicing_invoice
            UNION ALL SELECT 'sales', count(*) FROM sales_sale
            UNION ALL SELECT 'sale_lines', count(*) FROM sales_saleline
            UNION ALL SELECT 'tax_lines', count(*) FROM invoicing_invoicetaxline
            UNION ALL SELECT 'clients', count(*) FROM customers_client
            """
        )
    )
    for name, value in counts.items():
        setattr(report, name, value)
    report.sizes = dict(
        fetch(
            """
            SELECT relname, pg_size_pretty(pg_total_relation_size(oid))
            FROM pg_class WHERE relname = ANY(%(tables)s)
            UNION ALL
            SELECT 'database', pg_size_pretty(pg_database_size(current_database()))
            """,
            {"tables": list(BIG_TABLES)},
        )
    )


def load(
    *,
    invoices: int,
    clients: int,
    members: int,
    member_invoices: int,
    months: int,
    credit_share: float = 0.05,
    log: Callable[[str], None] = print,
) -> LoadReport:
    report = LoadReport()
    with step(report, "organization, park, clients", log):
        world = create_world(clients=clients, members=members)
    load_history(
        world,
        invoices=invoices,
        months=months,
        member_invoices=member_invoices,
        credit_share=credit_share,
        report=report,
        log=log,
    )
    return report
