"""What a payment writes before and after it takes the park's sale number
(docs/locking.md, rule 3), read from the statements Django captured."""

from __future__ import annotations

import re

WRITTEN = re.compile(r'(?:INSERT INTO|UPDATE) "(\w+)"')


def around_sale_number(statements: list[str]) -> tuple[set[str], set[str], list[str]]:
    """The tables written before the sale series' `UPDATE`, those written
    after it, and the statements after it."""
    numbered = next(
        n
        for n, sql in enumerate(statements)
        if sql.startswith('UPDATE "core_counter"') and "'sale:" in sql
    )
    after = statements[numbered + 1 :]
    return (
        {table for sql in statements[:numbered] for table in WRITTEN.findall(sql)},
        {table for sql in after for table in WRITTEN.findall(sql)},
        after,
    )
