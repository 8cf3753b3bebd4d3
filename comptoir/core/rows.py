"""Rows written as `Model.save()` writes them, their SQL compiled once.

`obj.save(force_insert=True)` builds an `InsertQuery` and compiles it on
every call, `save(update_fields=…)` an `UpdateQuery`: for the few rows
every paid order writes (the payment, the sale paid, the invoice, the
counter's chain end, the audit event, the provider log line) that costs
more CPU than the database's own work. `insert()` and `update()` keep the
statement, compiled once per model, database and columns, and run what
`save()` runs around it: related fields checked, `pre_save` and
`post_save` sent, each value prepared by its field (`pre_save`, then
`get_db_prep_save`), the returned key set, the transaction marked for
rollback when the statement fails. A model's own `save()` is not called:
use them only for models whose `save()` adds nothing to a plain write.

A model with parents or `order_with_respect_to`, a proxy, a value that is
an expression (a database default, `F()`), or a database that cannot
return the new key goes through `save()` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Field, Model
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Insert:
    sql: str
    returning: list[Field]
    returning_params: tuple[Any, ...]


@dataclass(frozen=True)
class _Statement:
    """One write ready to run: `done` gets the rows it returned (an
    INSERT's keys) or, for an UPDATE (`counts`), how many rows it changed."""

    sql: str
    params: list
    returning: list[Field]
    returning_params: tuple[Any, ...]
    done: Callable[[Any], None]
    many: bool = False
    counts: bool = False

    def combinable(self) -> bool:
        """Can be a `WITH` of `_run_combined`: its rows, when several are
        returned, can be put back in order (by their key)."""
        return (
            not self.many
            or not self.returning
            or any(f.primary_key for f in self.returning)
        )


def _plain(model: type[Model]) -> bool:
    meta = model._meta
    return not (meta.proxy or meta.parents or meta.order_with_respect_to)


def _compile_insert(
    row: Any, fields: list[Field], using: str, connection: Any
) -> _Insert | None:
    """Django's INSERT of `row`, if it binds one parameter per field."""
    meta = row._meta
    returning = list(meta.db_returning_fields)
    if returning and not connection.features.can_return_columns_from_insert:
        return None
    query = InsertQuery(type(row))
    query.insert_values(fields, [row])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = returning
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, params = statements[0]
    placeholders = ", ".join(["%s"] * len(fields))
    if len(params) != len(fields) or f"VALUES ({placeholders})" not in sql:
        return None
    # The new key is set as the database returns it, no converter between.
    if compiler.get_converters([f.get_col(meta.db_table) for f in returning]):
        return None
    return _Insert(sql, returning, tuple(compiler.returning_params))


def _any_expression(values: Iterable[object]) -> bool:
    return any(hasattr(value, "resolve_expression") for value in values)


_inserts: dict[tuple[type[Model], str, str, bool], _Insert | None] = {}


def insert(obj: Model, *, using: str | None = None) -> None:
    """`obj.save(force_insert=True)` for a new row."""
    together(Insert(obj), using=using)


def _insert_statement(obj: Model, using: str) -> _Statement | None:
    """The INSERT of `obj`, signals sent, to run; None when `obj` was
    written through `save()` instead (see the module's docstring)."""
    model = type(obj)
    if not _plain(model):
        obj.save(force_insert=True, using=using)
        return None
    row: Any = obj  # Django's private save steps are not in the stubs.
    meta = model._meta
    connection = connections[using]
    row._prepare_related_fields_for_save(operation_name="save")
    pre_save.send(
        sender=model, instance=obj, raw=False, using=using, update_fields=None
    )
    if not row._is_pk_set(meta):
        setattr(obj, meta.pk.attname, meta.pk.get_pk_value_on_save(obj))
    pk_set = row._is_pk_set(meta)
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and (pk_set or f is not meta.auto_field)
    ]
    compiled = None
    if not _any_expression(getattr(obj, f.attname) for f in fields):
        key = (model, using, connection.vendor, pk_set)
        if key not in _inserts:
            _inserts[key] = _compile_insert(row, fields, using, connection)
        compiled = _inserts[key]
    # After compiling, which ran them too: the row gets what the object has.
    raw = [f.pre_save(obj, True) for f in fields]
    if compiled is None or _any_expression(raw):
        # Django's own statement (the signal above is not sent again).
        with transaction.mark_for_rollback_on_error(using=using):
            row._save_table(cls=model, force_insert=True, using=using)
        _saved(obj, using, created=True, update_fields=None)
        return None
    values = [
        f.get_db_prep_save(value, connection)
        for f, value in zip(fields, raw, strict=True)
    ]

    def done(returned: list[tuple]) -> None:
        if compiled.returning:
            for value, field in zip(returned[0], compiled.returning, strict=True):
                setattr(obj, field.attname, value)
        _saved(obj, using, created=True, update_fields=None)

    return _Statement(
        compiled.sql, values, compiled.returning, compiled.returning_params, done
    )


def _saved(
    obj: Model, using: str, *, created: bool, update_fields: frozenset[str] | None
) -> None:
    """What `save()` does once its statement ran: the object is a row of
    `using` now, and `post_save` is sent."""
    obj._state.db = using
    obj._state.adding = False
    post_save.send(
        sender=type(obj),
        instance=obj,
        created=created,
        update_fields=update_fields,
        raw=False,
        using=using,
    )


@dataclass(frozen=True)
class _InsertMany:
    sql: str
    by_column: bool  # PostgreSQL's UNNEST: one array per column


def _compile_insert_many(
    objs: Sequence[Any], fields: list[Field], using: str, *, ignore_conflicts: bool
) -> _InsertMany | None:
    """Django's INSERT of `objs`, if its parameters are the fields' prepared
    values as they are (row after row, or one list per column): proved on
    this call."""
    meta = objs[0]._meta
    query = InsertQuery(
        type(objs[0]), on_conflict=OnConflict.IGNORE if ignore_conflicts else None
    )
    query.insert_values(fields, list(objs))
    compiler = query.get_compiler(using=using)
    # Rows skipped on a conflict have no key to return (`bulk_create` sets none).
    returning = [] if ignore_conflicts else list(meta.db_returning_fields)
    compiler.returning_fields = returning or None
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    # The new keys are set as the database returns them, no converter between.
    if returning and compiler.get_converters(
        [f.get_col(meta.db_table) for f in returning]
    ):
        return None
    sql, params = statements[0]
    # What the compilation bound: each value as its field's `pre_save`, run
    # by the compiler, left it on the object (a new `auto_now_add` time…).
    connection = compiler.connection
    values = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
        for obj in objs
    ]
    if list(params) == [value for row in values for value in row]:
        return _InsertMany(sql, by_column=False)
    if list(params) == [list(column) for column in zip(*values, strict=True)]:
        return _InsertMany(sql, by_column=True)
    return None


_inserts_many: dict[tuple[type[Model], str, str, int, bool], _InsertMany | None] = {}
MANY = 50  # rows of one statement; more go through `bulk_create`


def insert_many(
    objs: Sequence[Model], *, using: str | None = None, ignore_conflicts: bool = False
) -> None:
    """`Model.objects.bulk_create(objs, ignore_conflicts=…)` for new rows of
    one model, each given its new key (no signals, as `bulk_create` sends
    none). With `ignore_conflicts`, a row a unique constraint refuses is
    skipped and, as with `bulk_create`, no object is given a key."""
    if objs:
        together(InsertMany(objs, ignore_conflicts=ignore_conflicts), using=using)


def _insert_many_statement(
    objs: Sequence[Model], using: str, *, ignore_conflicts: bool
) -> _Statement | None:
    """The INSERT of `objs` to run; None when written by `bulk_create`."""
    model = type(objs[0])
    connection = connections[using]
    rows: list[Any] = list(objs)
    meta = model._meta

    def fallback() -> None:
        model._default_manager.using(using).bulk_create(
            objs, ignore_conflicts=ignore_conflicts
        )

    if (
        not _plain(model)
        or len(rows) > MANY
        or any(type(row) is not model or row.pk is not None for row in rows)
        or meta.auto_field is None
        or not connection.features.can_return_rows_from_bulk_insert
        or (ignore_conflicts and not connection.features.supports_ignore_conflicts)
    ):
        fallback()
        return None
    fields = [
        f
        for f in meta.local_concrete_fields
        if not f.generated and f is not meta.auto_field
    ]
    for row in rows:
        row._prepare_related_fields_for_save(operation_name="bulk_create")
    if any(_any_expression(getattr(row, f.attname) for f in fields) for row in rows):
        fallback()
        return None
    key = (model, using, connection.vendor, len(rows), ignore_conflicts)
    if key not in _inserts_many:
        _inserts_many[key] = _compile_insert_many(
            rows, fields, using, ignore_conflicts=ignore_conflicts
        )
    compiled = _inserts_many[key]
    # After compiling, which ran them too: the rows get what the objects have.
    raw = [[f.pre_save(row, True) for f in fields] for row in rows]
    if compiled is None or any(_any_expression(values) for values in raw):
        fallback()
        return None
    values = [
        [
            f.get_db_prep_save(value, connection)
            for f, value in zip(fields, row, strict=True)
        ]
        for row in raw
    ]
    params = (
        [list(column) for column in zip(*values, strict=True)]
        if compiled.by_column
        else [value for row in values for value in row]
    )
    # As `bulk_create` with `ignore_conflicts`: no key, state untouched.
    returning = [] if ignore_conflicts else list(meta.db_returning_fields)

    def done(returned: list[tuple]) -> None:
        if not returning:
            return
        if len(returned) != len(rows):
            raise DatabaseError("The database did not return every new row's key.")
        for row, values_returned in zip(rows, returned, strict=True):
            for field, value in zip(returning, values_returned, strict=True):
                setattr(row, field.attname, value)
            row._state.adding = False
            row._state.db = using

    return _Statement(compiled.sql, params, returning, (), done, many=True)


def _compile_update(
    model: type[Model], fields: tuple[str, ...], connection: Any
) -> tuple[str, list[Field]]:
    meta = model._meta
    qn = connection.ops.quote_name
    targets = [meta.get_field(name) for name in fields]
    columns = []
    for field in targets:
        if not isinstance(field, Field) or not field.concrete or field.primary_key:
            raise ValueError(f"{meta.label}.{field.name} is not an updatable field.")
        columns.append(f"{qn(field.column)} = %s")
    table = qn(meta.db_table)
    sql = (
        f"UPDATE {table} SET {', '.join(columns)} "  # noqa: S608
        f"WHERE {table}.{qn(meta.pk.column)} = %s"
    )
    return sql, [f for f in targets if isinstance(f, Field)]


_updates: dict[tuple[type[Model], str, tuple[str, ...]], tuple[str, list[Field]]] = {}


def update(obj: Model, fields: tuple[str, ...], *, using: str | None = None) -> None:
    """`obj.save(update_fields=fields)` for a saved row: one `UPDATE … SET`
    of those columns `WHERE` its primary key; `DatabaseError` when the row
    is gone, as `save()` raises."""
    together(Update(obj, fields), using=using)


def _update_statement(
    obj: Model, fields: tuple[str, ...], using: str
) -> _Statement | None:
    """The UPDATE of `obj`'s `fields` to run; None when written by `save()`."""
    model = type(obj)
    if not _plain(model) or not fields:
        obj.save(update_fields=fields, using=using)
        return None
    row: Any = obj
    meta = model._meta
    connection = connections[using]
    key = (model, connection.vendor, fields)
    if key not in _updates:
        _updates[key] = _compile_update(model, fields, connection)
    sql, targets = _updates[key]
    if _any_expression(getattr(obj, f.attname) for f in targets):
        obj.save(update_fields=fields, using=using)
        return None
    update_fields = frozenset(fields)
    row._prepare_related_fields_for_save(operation_name="save", fields=targets)
    pre_save.send(
        sender=model, instance=obj, raw=False, using=using, update_fields=update_fields
    )
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in targets]
    values.append(meta.pk.get_db_prep_value(obj.pk, connection))

    def done(updated: int) -> None:
        if updated == 0:
            raise DatabaseError("Save with update_fields did not affect any rows.")
        _saved(obj, using, created=False, update_fields=update_fields)

    return _Statement(sql, values, [], (), done, counts=True)


@dataclass(frozen=True)
class Insert:
    """`insert(obj)`, for `together`."""

    obj: Model

    def using(self) -> str:
        return router.db_for_write(type(self.obj), instance=self.obj)

    def statement(self, using: str) -> _Statement | None:
        return _insert_statement(self.obj, using)


@dataclass(frozen=True)
class InsertMany:
    """`insert_many(objs)`, for `together` (`objs` not empty)."""

    objs: Sequence[Model]
    ignore_conflicts: bool = False

    def using(self) -> str:
        return router.db_for_write(type(self.objs[0]))

    def statement(self, using: str) -> _Statement | None:
        return _insert_many_statement(
            self.objs, using, ignore_conflicts=self.ignore_conflicts
        )


@dataclass(frozen=True)
class Update:
    """`update(obj, fields)`, for `together`."""

    obj: Model
    fields: tuple[str, ...]

    def using(self) -> str:
        return self.obj._state.db or router.db_for_write(
            type(self.obj), instance=self.obj
        )

    def statement(self, using: str) -> _Statement | None:
        return _update_statement(self.obj, self.fields, using)


def together(*writes: Insert | InsertMany | Update, using: str | None = None) -> None:
    """Run `writes` as `insert`, `insert_many` and `update` run them, in
    order, in one statement where the database can (PostgreSQL: each write
    a data-modifying `WITH`, their keys and row counts read in one `SELECT`),
    one statement each elsewhere.

    For writes that do not need each other: on PostgreSQL, no write sees
    another's row (one snapshot), and a row must not need a key given by
    another write of the same call (set it first: `next_key_sql`). Signals
    are sent as each function sends them, `pre_save` before the statement,
    `post_save` after it.
    """
    if not writes:
        return
    using = using or writes[0].using()
    connection = connections[using]
    if connection.vendor != "postgresql" or len(writes) == 1:
        for write in writes:
            statement = write.statement(using)
            if statement is not None:
                _run(statement, using)
        return
    statements = [s for s in (write.statement(using) for write in writes) if s]
    if len(statements) > 1 and all(s.combinable() for s in statements):
        _run_combined(statements, using)
        return
    for statement in statements:
        _run(statement, using)


def _run(statement: _Statement, using: str) -> None:
    connection = connections[using]
    with transaction.mark_for_rollback_on_error(using=using):
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            if statement.counts:
                statement.done(cursor.rowcount)
                return
            if not statement.returning:
                returned: list = []
            elif statement.many:
                returned = connection.ops.fetch_returned_insert_rows(cursor)  # type: ignore[attr-defined]
            else:
                returned = [
                    connection.ops.fetch_returned_insert_columns(  # type: ignore[attr-defined]
                        cursor, statement.returning_params
                    )
                ]
    statement.done(returned)


def _run_combined(statements: list[_Statement], using: str) -> None:
    """PostgreSQL: `WITH "w0" AS (INSERT … RETURNING …), "w1" AS (UPDATE …
    RETURNING 1) … SELECT` each column each insert returns (for several
    rows, an array in the order of their keys, the order the sequence gave
    them as the rows came) and each update's row count."""
    connection = connections[using]
    qn = connection.ops.quote_name
    parts, reads, params = [], [], []
    for n, statement in enumerate(statements):
        name = qn(f"w{n}")
        if statement.counts:
            parts.append(f"{name} AS ({statement.sql} RETURNING 1)")
            reads.append(f"(SELECT count(*) FROM {name})")
        else:
            parts.append(f"{name} AS ({statement.sql})")
            key = next((f for f in statement.returning if f.primary_key), None)
            for field in statement.returning:
                column = qn(cast(str, field.column))
                if statement.many and key is not None:
                    order = qn(cast(str, key.column))
                    reads.append(
                        f"(SELECT array_agg({column} ORDER BY {order}) FROM {name})"
                    )
                else:
                    reads.append(f"(SELECT {column} FROM {name})")
        params.extend(statement.params)
    sql = f"WITH {', '.join(parts)} SELECT {', '.join(reads) or '1'}"
    with transaction.mark_for_rollback_on_error(using=using):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            read = iter(cursor.fetchone())
    for statement in statements:
        if statement.counts:
            statement.done(next(read))
            continue
        columns = [next(read) for _ in statement.returning]
        if not columns:
            statement.done([])
        elif statement.many:
            statement.done(list(zip(*(c or [] for c in columns), strict=True)))
        else:
            statement.done([tuple(columns)])


def next_key_sql(model: type[Model], connection: Any) -> tuple[str, list[str]] | None:
    """The SQL expression (and its parameters) that gives a new row of
    `model` its key before it is inserted (PostgreSQL: `nextval` of its
    table's sequence), to read in a statement the caller runs anyway; None
    where the key only comes with the insert."""
    meta = model._meta
    if connection.vendor != "postgresql" or meta.auto_field is None:
        return None
    return (
        "nextval(pg_get_serial_sequence(%s, %s))",
        [connection.ops.quote_name(meta.db_table), meta.pk.column],
    )
