"""Gap-free counters, taken inside the caller's transaction."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import QuerySet

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


def take_next_number(*, park_id: int, key: str) -> int:
    """Lock a series counter and take its next value in one statement.

    `UPDATE … SET last_value = last_value + 1 … RETURNING last_value` locks
    the row until commit like `lock_counter()` + `take_next()` do, without
    reading it first. For series whose row carries nothing else to write
    (sale numbers); the first number of a series creates the row.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A number must be taken inside a transaction.")
    if not connection.features.can_return_columns_from_insert:
        # SQLite before 3.35 has no RETURNING: two statements, same lock.
        return take_next(lock_counter(park_id=park_id, key=key))
    table = connection.ops.quote_name(Counter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1 "  # noqa: S608
            "WHERE park_id = %s AND key = %s RETURNING last_value",
            [park_id, key],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    return take_next(lock_counter(park_id=park_id, key=key))
