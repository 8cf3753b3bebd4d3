"""Gap-free counters, taken inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from . import rows
from .models import Counter


def counter_rows(*, park_id: int, key: str) -> QuerySet[Counter]:
    """The counter row of a series, read with a row lock (FOR UPDATE)."""
    return Counter.objects.select_for_update().filter(park_id=park_id, key=key)


def lock_counter(*, park_id: int, key: str) -> Counter:
    """Lock (creating if needed) the counter row of a series until commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number must be taken inside a transaction.")
    counter = counter_rows(park_id=park_id, key=key)
    found = counter.first()
    if found is not None:
        return found
    # ON CONFLICT DO NOTHING: two first issuers of a series don't collide.
    Counter.objects.bulk_create(
        [Counter(park_id=park_id, key=key)], ignore_conflicts=True
    )
    return counter.get()


def take_next(counter: Counter, *, save: bool = True) -> int:
    """Increment a locked counter and return the new value.

    `save=False`: the caller writes `last_value` itself, with the rest of
    the locked row (one UPDATE instead of two).
    """
    counter.last_value += 1
    if save:
        counter.save(update_fields=["last_value"])
    return counter.last_value


def _increment(
    *, park_id: int, key: str, returning: str, params: Sequence[str] = ()
) -> tuple | None:
    """`UPDATE … SET last_value = last_value + 1 … RETURNING returning`:
    the series' row, locked until commit; None when the row is not there
    yet or the database cannot return columns (SQLite before 3.35)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number must be taken inside a transaction.")
    if not connection.features.can_return_columns_from_insert:
        return None
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 "  # noqa: S608
            f"WHERE park_id = %s AND key = %s RETURNING {returning}",
            [park_id, key, *params],
        )
        return cursor.fetchone()


def take_next_number(*, park_id: int, key: str) -> int:
    """Lock a series counter and take its next value in one statement.

    `UPDATE … SET last_value = last_value + 1 … RETURNING last_value` locks
    the row until commit like `lock_counter()` + `take_next()` do, without
    reading it first. For series whose row carries nothing else to write
    (sale numbers); the first number of a series creates the row.
    """
    row = _increment(park_id=park_id, key=key, returning="last_value")
    if row is not None:
        return int(row[0])
    return take_next(lock_counter(park_id=park_id, key=key))


def lock_and_take_next(*, park_id: int, key: str) -> Counter:
    """Lock a series counter, increment it, and return its row, in one
    statement (`take_next_number`'s `UPDATE … RETURNING`).

    For series whose row carries more than the value (the chain's end of a
    document series): the caller writes the rest of it under the same lock.
    """
    return lock_and_take_next_with_key(park_id=park_id, key=key, model=None)[0]


def lock_and_take_next_with_key(
    *, park_id: int, key: str, model: type[Model] | None
) -> tuple[Counter, int | None]:
    """`lock_and_take_next`, and in the same statement the key `model`'s
    table will give its next row (`nextval` of its sequence) where the
    database can (PostgreSQL; `rows.next_key_sql`), else None: the document
    numbered gets its key with its number, so that the rows naming it can
    be written with it (`rows.together`)."""
    fields = Counter._meta.concrete_fields
    # Concrete fields always have a column.
    returning = ", ".join(
        connection.ops.quote_name(cast(str, f.column)) for f in fields
    )
    next_key = None if model is None else rows.next_key_sql(model, connection)
    params: Sequence[str] = ()
    if next_key is not None:
        key_sql, params = next_key
        returning = f"{returning}, {key_sql}"
    row = _increment(park_id=park_id, key=key, returning=returning, params=params)
    if row is None:
        counter = lock_counter(park_id=park_id, key=key)
        take_next(counter)
        return counter, None
    new_key = None
    if next_key is not None:
        row, new_key = row[:-1], row[-1]
    return Counter.from_db(connection.alias, [f.attname for f in fields], row), new_key
