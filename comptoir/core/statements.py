"""A prepared statement outdated by a migration does not keep failing.

PostgreSQL keeps each connection's prepared statements (`settings.base`,
`POSTGRESQL_PREPARED_OPTIONS`). A migration that changes the type of a
column a statement reads makes that statement fail on every later run on
that connection ("cached plan must not change result type"), and psycopg
does not forget it. The request (or task) that meets the error still
fails; its connection is then closed when it ends, as Django closes one
past `CONN_MAX_AGE` (`close_old_connections`, which requests and
`db_worker` run), and the next one prepares its statements again.

The error is recognised by its SQLSTATE, 0A000 (feature not supported), not
by its message, which follows the server's language. Other errors of that
class close the connection too: reopening one costs a connection, nothing
else.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

FEATURE_NOT_SUPPORTED = "0A000"


def close_after_outdated_plan(
    execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Execute wrapper: on a 0A000 error, the connection is closed at the end
    of the request or task."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == FEATURE_NOT_SUPPORTED:
            context["connection"].close_at = time.monotonic()
        raise


def install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: wraps a PostgreSQL connection's
    statements once (the wrapper list outlives each reconnection)."""
    if (
        connection.vendor == "postgresql"
        and close_after_outdated_plan not in connection.execute_wrappers
    ):
        connection.execute_wrappers.append(close_after_outdated_plan)
