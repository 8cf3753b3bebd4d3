"""Querysets built and compiled once per process, run again with new values.

Django builds a queryset (`filter`, `select_related`, `annotate`…) and
compiles it into SQL on every evaluation. For the few queries every paid
order runs (the session and its user, the organization, the basket's
prices, the sale locked for its payment), that work costs more CPU than the
database's own: 60–80 % of such a query's time. `PreparedQuery` does it
once per query shape and database vendor, keeps the SQL and the compiler's
description of its columns, and afterwards only binds the new values,
executes, and builds the rows as the queryset would (model instances with
their `select_related` rows and annotations, or `values_list` tuples).

How the values are found in the SQL: `build` is called with stand-in
values ("markers") instead of the real ones, twice, with two different
sets of markers; a parameter of the compiled SQL that holds one argument's
marker in both compilations is that argument's. Anything else is a
constant of the query and stays as compiled. The two compilations must
give the same SQL; an argument whose marker appears nowhere (a value the
ORM transforms, `__contains` for instance) is refused when the query is
first prepared, never silently bound.

What changes the SQL itself is part of the shape, not a parameter:
- `None`, booleans, and any hashable value wrapped in `Shape` (field
  names, a function building an annotation…): passed to `build` as they
  are (unwrapped), one compilation per value (`None` is `IS NULL` in the
  ORM);
- lists, tuples and sets (`__in` lookups): one marker per item, one
  compilation per length (an empty one runs no query, as in the ORM);
- everything else must be an `int`, `str`, `UUID` or aware `datetime`,
  bound as the ORM binds it for this database (a UUID as hex text on
  SQLite, a datetime as UTC text there).

Nothing about the data is cached: every call runs its statement. (On
PostgreSQL the database also keeps each statement's plan, per connection:
that is psycopg's prepared statements, turned on in `settings/base.py`,
and it holds for every query, not only these.)
`select_for_update` keeps Django's rule (only inside a transaction), and
statements go through the connection's cursor, so execute wrappers and
`CaptureQueriesContext` see them as any other.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql import UpdateQuery
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

T = TypeVar("T")

# One marker set per compilation pass: distinct from each other and from
# anything a query of ours bakes in. (A small integer column would take an
# integer marker for out of its range and compile to "no row": refused,
# see `_prepare`.)
_INT_MARKER_BASE = (1_000_003_000, 1_200_007_000)
MAX_ITEMS = 999  # items of one list argument
_EPOCH = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)

# Shapes kept per query (a basket of n products is one shape per n).
MAX_SHAPES = 128


@dataclass(frozen=True)
class Shape:
    """An argument that changes the query's SQL: given to `build` as
    `value`, one compilation per value."""

    value: Any


class PreparationError(Exception):
    """A query `PreparedQuery` cannot bind safely; a programming error."""


def _marker(kind: type, pass_: int, index: int) -> Any:
    if kind is int:
        return _INT_MARKER_BASE[pass_] + index
    if kind is str:
        return f"\x1fcomptoir-marker-{pass_}-{index}\x1f"
    if kind is uuid.UUID:
        return uuid.UUID(int=(0xC0FFEE << 64) + (pass_ << 32) + index)
    if kind is dt.datetime:
        return _EPOCH + dt.timedelta(days=pass_ * 1000 + index, microseconds=index)
    raise PreparationError(f"No marker for a {kind.__name__} value.")


def _kind(value: object) -> type:
    if isinstance(value, bool):
        raise AssertionError("booleans are part of the shape")
    for kind in (int, str, uuid.UUID, dt.datetime):
        if isinstance(value, kind):
            if kind is dt.datetime and value.tzinfo is None:  # type: ignore[union-attr]
                raise PreparationError("A naive datetime cannot be bound.")
            return kind
    raise PreparationError(
        f"A {type(value).__name__} cannot be bound: use an int, str, UUID, "
        "aware datetime, or pass it as part of the shape."
    )


# How the ORM turns a value into the parameter it sends, per kind.
def _forms(kind: type, connection: Any) -> list[Callable[[Any], Any]]:
    if kind is uuid.UUID:
        return [lambda v: v, lambda v: v.hex]
    if kind is dt.datetime:
        return [lambda v: v, connection.ops.adapt_datetimefield_value]
    return [lambda v: v]


@dataclass(frozen=True)
class _Slot:
    """Where a parameter's value comes from: an argument (an item of it,
    for a list) through a form, or a constant of the query."""

    name: str | None
    index: int | None
    form: Callable[[Any], Any] | None
    constant: Any = None

    def value(self, values: dict[str, Any]) -> Any:
        if self.name is None:
            return self.constant
        value = values[self.name]
        if self.index is not None:
            value = value[self.index]
        assert self.form is not None
        return self.form(value)


@dataclass
class _Compiled:
    alias: str
    vendor: str
    sql: str | None  # None: the ORM would run no query (an empty `__in`)
    slots: list[_Slot]
    kind: str  # "model", "tuples", "flat" or "update"
    for_update: bool = False
    # How rows are built (`_run`), as the compiler described its columns.
    converters: list[tuple[int, list[Callable[..., Any]], Any]] = field(
        default_factory=list
    )
    model: type[Model] | None = None
    model_span: tuple[int, int] = (0, 0)
    init_list: list[str] = field(default_factory=list)
    populators: list[Any] = field(default_factory=list)
    annotations: list[tuple[str, int]] = field(default_factory=list)


def _shape_of(values: dict[str, Any]) -> tuple[Any, ...]:
    shape: list[tuple[Any, ...]] = []
    for name in sorted(values):
        value = values[name]
        if value is None or isinstance(value, bool | Shape):
            shape.append((name, value))
        elif isinstance(value, list | tuple | set | frozenset):
            kinds = tuple(_kind(item) for item in value)
            shape.append((name, "list", kinds))
        else:
            shape.append((name, _kind(value)))
    return tuple(shape)


class PreparedQuery(Generic[T]):
    """`build(**values)` → a queryset; `prepared.fetch(**values)` → its rows.

    `build` must be a plain function of its keyword arguments: the same
    arguments always give the same query. Calls are thread-safe (a shape
    compiled twice by two threads at once is harmless).
    """

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._shapes: dict[tuple[Any, ...], _Compiled] = {}

    def fetch(self, **values: Any) -> list[T]:
        """The rows `build(**values)` would give, in its order."""
        values = _listed(values)
        return list(self._run(self._compiled_for(values), values))

    def _compiled_for(self, values: dict[str, Any]) -> _Compiled:
        shape = _shape_of(values)
        compiled = self._shapes.get(shape)
        if compiled is None or connections[compiled.alias].vendor != compiled.vendor:
            compiled = self._prepare(values)
            if len(self._shapes) >= MAX_SHAPES:
                self._shapes.clear()
            self._shapes[shape] = compiled
        return compiled

    def first(self, **values: Any) -> T | None:
        rows = self.fetch(**values)
        return rows[0] if rows else None

    # Preparing: two compilations with markers, parameters told apart.

    def _markers(
        self, values: dict[str, Any], pass_: int
    ) -> tuple[dict[str, Any], dict[tuple[str, int | None], Any]]:
        arguments: dict[str, Any] = {}
        markers: dict[tuple[str, int | None], Any] = {}
        for position, name in enumerate(sorted(values)):
            value = values[name]
            if isinstance(value, Shape):
                arguments[name] = value.value
            elif value is None or isinstance(value, bool):
                arguments[name] = value
            elif isinstance(value, list | tuple):
                if len(value) > MAX_ITEMS:
                    raise PreparationError(f"More than {MAX_ITEMS} items.")
                items = []
                for i, item in enumerate(value):
                    marker = _marker(_kind(item), pass_, 1000 * position + i)
                    markers[(name, i)] = marker
                    items.append(marker)
                arguments[name] = items
            else:
                marker = _marker(_kind(value), pass_, 1000 * position)
                markers[(name, None)] = marker
                arguments[name] = marker
        return arguments, markers

    def _compile(
        self, arguments: dict[str, Any]
    ) -> tuple[QuerySet[Any], SQLCompiler, str | None, list[Any]]:
        queryset = self.build(**arguments)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            # Outside a transaction, a `select_for_update` is refused here
            # as by the ORM; later runs make the same check (`_run`).
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return queryset, compiler, None, []
        return queryset, compiler, sql, list(params)

    def _prepare(self, values: dict[str, Any]) -> _Compiled:
        first_args, first_markers = self._markers(values, 0)
        second_args, second_markers = self._markers(values, 1)
        queryset, compiler, sql, params = self._compile(first_args)
        _, _, other_sql, other_params = self._compile(second_args)
        if sql != other_sql or len(params) != len(other_params):
            raise PreparationError(
                "The query's SQL changes with its values: pass what changes it "
                "as part of the shape (None, a boolean, a list)."
            )
        connection = connections[queryset.db]
        slots = []
        found = set()
        for first, second in zip(params, other_params, strict=True):
            slot = None
            for key, marker in first_markers.items():
                for form in _forms(type(marker), connection):
                    if _same(form(marker), first) and _same(
                        form(second_markers[key]), second
                    ):
                        slot = _Slot(key[0], key[1], form)
                        break
                if slot is not None:
                    break
            if slot is None:
                if not _same(first, second):
                    raise PreparationError(
                        f"A parameter of the query ({first!r}) is neither one of "
                        "its arguments as given (transformed by its lookup?) nor "
                        "a constant: it cannot be prepared."
                    )
                slot = _Slot(None, None, None, first)
            else:
                found.add((slot.name, slot.index))
            slots.append(slot)
        if sql is None and not any(
            isinstance(value, list | tuple) and not value for value in values.values()
        ):
            # Only an empty list may make a query that runs nothing; a
            # marker the ORM judged impossible must not be cached as such.
            raise PreparationError("The query compiles to no statement.")
        missing = set(first_markers) - found
        if sql is not None and missing:
            names = ", ".join(sorted({name for name, _ in missing}))
            raise PreparationError(
                f"The query does not bind {names} as given (transformed by "
                "its lookup?): it cannot be prepared."
            )
        return self._describe(queryset, compiler, sql, slots, connection)

    def _describe(
        self,
        queryset: QuerySet[Any],
        compiler: SQLCompiler,
        sql: str | None,
        slots: list[_Slot],
        connection: Any,
    ) -> _Compiled:
        iterable = queryset._iterable_class
        if queryset._prefetch_related_lookups or queryset._known_related_objects:  # type: ignore[attr-defined]
            raise PreparationError("prefetch_related is not prepared.")
        kinds: dict[type, str] = {
            ModelIterable: "model",
            ValuesListIterable: "tuples",
            FlatValuesListIterable: "flat",
        }
        if iterable not in kinds:
            raise PreparationError(f"{iterable.__name__} is not prepared.")
        compiled = _Compiled(
            alias=queryset.db,
            vendor=connection.vendor,
            sql=sql,
            slots=slots,
            kind=kinds[iterable],
            for_update=bool(queryset.query.select_for_update),
        )
        if sql is None:
            return compiled
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(fields):
            raise PreparationError("Composite fields are not prepared.")
        compiled.converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                fields
            ).items()
        ]
        if compiled.kind == "model":
            info = compiler.klass_info
            assert info is not None
            compiled.model = info["model"]
            start, end = info["select_fields"][0], info["select_fields"][-1] + 1
            compiled.model_span = (start, end)
            compiled.init_list = [
                column[0].target.attname for column in compiler.select[start:end]
            ]
            compiled.populators = get_related_populators(  # type: ignore[call-arg]
                info, compiler.select, queryset.db
            )
            compiled.annotations = list((compiler.annotation_col_map or {}).items())
        return compiled

    # Running: bind, execute, build the rows as the ORM would.

    def _run(self, compiled: _Compiled, values: dict[str, Any]) -> Iterator[Any]:
        if compiled.sql is None:
            return iter(())
        connection = connections[compiled.alias]
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = [slot.value(values) for slot in compiled.slots]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: Iterable[Any] = cursor.fetchall()
        if compiled.converters:
            rows = _converted(rows, compiled.converters, connection)
        if compiled.kind == "flat":
            return (row[0] for row in rows)
        if compiled.kind == "tuples":
            return (tuple(row) for row in rows)
        return self._instances(compiled, rows)

    @staticmethod
    def _instances(compiled: _Compiled, rows: Iterable[Any]) -> Iterator[Model]:
        model = compiled.model
        assert model is not None
        start, end = compiled.model_span
        for row in rows:
            obj = model.from_db(compiled.alias, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            yield obj


# The arguments of `PreparedUpdate` that are new values of columns.
_SET = "set:"


class PreparedUpdate(PreparedQuery[int]):
    """`build(**values).update(**changes)`, its SQL compiled once per shape
    (the names of the columns changed are part of it). `run` returns the
    number of rows changed, as `QuerySet.update` does. Only for an update
    of the queryset's own table (no parent model)."""

    def run(self, changes: dict[str, Any], **values: Any) -> int:
        if not changes:
            raise PreparationError("Nothing to update.")
        values = _listed({**values, **{_SET + k: v for k, v in changes.items()}})
        compiled = self._compiled_for(values)
        assert compiled.sql is not None
        connection = connections[compiled.alias]
        params = [slot.value(values) for slot in compiled.slots]
        with transaction.mark_for_rollback_on_error(using=compiled.alias):
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                return cursor.rowcount

    def _compile(
        self, arguments: dict[str, Any]
    ) -> tuple[QuerySet[Any], SQLCompiler, str | None, list[Any]]:
        changes = {k[len(_SET) :]: v for k, v in arguments.items() if k[:4] == _SET}
        queryset = self.build(**{k: v for k, v in arguments.items() if k[:4] != _SET})
        queryset._for_write = True  # type: ignore[attr-defined]
        # What `QuerySet.update` compiles (ordering aside: neither SQLite nor
        # PostgreSQL orders an UPDATE).
        query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
        query.add_update_values(changes)
        if query.get_related_updates():
            raise PreparationError("An update of a parent table is not prepared.")
        query.clear_ordering(force=True)
        query.clear_select_clause()
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if not sql:
            raise PreparationError("The update compiles to no statement.")
        return queryset, compiler, sql, list(params)

    def _describe(
        self,
        queryset: QuerySet[Any],
        compiler: SQLCompiler,
        sql: str | None,
        slots: list[_Slot],
        connection: Any,
    ) -> _Compiled:
        return _Compiled(queryset.db, connection.vendor, sql, slots, kind="update")


def set_prefetched(instance: Model, name: str, objects: list) -> None:
    """What `prefetch_related(name)` would have cached on `instance`: its
    related manager `name` then gives `objects` without a query."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _listed(values: dict[str, Any]) -> dict[str, Any]:
    # Lists are read by position: sets and repeated iteration must agree.
    return {
        name: list(value) if isinstance(value, set | frozenset) else value
        for name, value in values.items()
    }


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def _converted(
    rows: Iterable[Any],
    converters: list[tuple[int, list[Callable[..., Any]], Any]],
    connection: Any,
) -> Iterator[list[Any]]:
    for row in rows:
        row = list(row)
        for position, functions, expression in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        yield row
