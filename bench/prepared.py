"""PostgreSQL's prepared statements on and off, in one process, alternating.

    .venv/bin/python bench/prepared.py \\
        --database-url postgres://postgres@127.0.0.1:5432/comptoir_prepared_bench

The paid order of `bench/order.py` (two cart additions, checkout, signed
notification), in blocks of `--per-block` orders: the connection is
closed between blocks and opened again with `POSTGRESQL_PREPARED_OPTIONS`
(server-side binding, psycopg's `prepare_threshold`) or without them
(Django's defaults), in the order on, off, off, on repeated, so that the
machine's drift weighs on both alike. Within a block, orders alternate
with the member's group's online invoices on and off. The first
`--warmup` orders of a block are not counted (the connection's statements
are prepared from their fifth run).

Prints, for each of the four arms, the mean CPU of this process and of
every PostgreSQL process of the machine a paid order, and what issuing the
invoice costs an order with and without prepared statements. The database
named in the URL is dropped and recreated (never point it at a database
you keep). Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import order  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="PostgreSQL only")
    parser.add_argument("--blocks", type=int, default=8, help="of each arm")
    parser.add_argument("--per-block", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10, help="per block")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("prepared statements are PostgreSQL's: give a postgres:// URL")
    order.setup_django(args.database_url)
    from django.db import connection
    from django.test import Client as HttpClient

    from comptoir.customers.models import CustomerGroup
    from comptoir.settings.base import POSTGRESQL_PREPARED_OPTIONS

    org, member, products = order.make_world(invoicing=True)
    group = CustomerGroup.objects.get(organization=org, name="CE Bench")
    http = HttpClient()
    http.force_login(member.user)
    provider = HttpClient(enforce_csrf_checks=True)
    counter = order.QueryCounter()
    plain = {
        key: value
        for key, value in connection.settings_dict["OPTIONS"].items()
        if key not in POSTGRESQL_PREPARED_OPTIONS
    }

    def reconnect(prepared: bool) -> list[int]:
        connection.close()
        connection.settings_dict["OPTIONS"] = (
            {**plain, **POSTGRESQL_PREPARED_OPTIONS} if prepared else plain
        )
        connection.ensure_connection()
        pids = order.local_postgres_pids()
        assert pids, "PostgreSQL's processes must be readable on this machine"
        return pids

    arms = [(p, i) for p in (True, False) for i in ("on", "off")]
    costs: dict[tuple[bool, str], list[tuple[float, float]]] = {a: [] for a in arms}
    with connection.execute_wrapper(counter):
        for block in range(2 * args.blocks):
            prepared = block % 4 in (0, 3)
            pids = reconnect(prepared)
            for n in range(args.warmup + args.per_block):
                invoicing = "on" if n % 2 == 0 else "off"
                CustomerGroup.objects.filter(pk=group.pk).update(
                    online_invoices=invoicing == "on"
                )
                cpu, server = time.process_time_ns(), order.postgres_ns(pids)
                order.one_order(http, provider, org, products, counter)
                cpu = time.process_time_ns() - cpu
                server = order.postgres_ns(pids) - server
                if n >= args.warmup:
                    costs[(prepared, invoicing)].append((cpu / 1e6, server / 1e6))
    print(
        f"A paid order (PostgreSQL), means of {len(costs[arms[0]])} orders an arm "
        f"({args.blocks} blocks of each, alternating)"
    )
    print("  prepared  invoicing  this process  PostgreSQL    both")
    for prepared, invoicing in arms:
        rows = costs[(prepared, invoicing)]
        cpu = statistics.mean(c for c, _ in rows)
        server = statistics.mean(s for _, s in rows)
        print(
            f"  {'yes' if prepared else 'no':<9} {invoicing:<10} "
            f"{cpu:9.2f} ms {server:9.2f} ms {cpu + server:7.2f} ms"
        )
    for prepared in (True, False):
        on = statistics.mean(c + s for c, s in costs[(prepared, "on")])
        off = statistics.mean(c + s for c, s in costs[(prepared, "off")])
        print(
            f"  issuing the invoice, {'prepared' if prepared else 'not prepared':<12}"
            f" {on - off:5.2f} ms, {100 * (on - off) / on:4.1f} % of the order with it"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
