"""PostgreSQL prepares the statements every order repeats, unless the
operator turns it off for a pooler that cannot keep them."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError, close_old_connections, connection

from comptoir.organizations.models import Organization
from comptoir.settings.base import database_from_env

POSTGRES_URL = "postgres://comptoir@db.example:5432/comptoir"


def test_a_postgresql_url_binds_parameters_apart_and_prepares(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = database_from_env(None)["OPTIONS"]  # type: ignore[arg-type]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


@pytest.mark.parametrize("value", ["off", "OFF", "0"])
def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch, value):
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", value)
    options = database_from_env(None).get("OPTIONS", {})  # type: ignore[arg-type]
    # Django's defaults: client-side binding, nothing prepared.
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_a_misspelt_switch_is_refused_not_guessed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "no")
    with pytest.raises(ImproperlyConfigured, match="on or off"):
        database_from_env(None)  # type: ignore[arg-type]


def test_sqlite_gets_no_postgresql_option(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite3")
    options = database_from_env(None)["OPTIONS"]  # type: ignore[arg-type]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_run_again_on_a_connection_is_prepared_by_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    organization = Organization.objects.create(name="Prep", slug="prep")

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    before = [s for s in prepared() if "organizations_organization" in s]
    for _ in range(6):
        assert Organization.objects.filter(slug=organization.slug).exists()
    after = [s for s in prepared() if "organizations_organization" in s]
    # The statement PostgreSQL keeps has its parameters apart ($1), as
    # server-side binding sends them.
    new = [s for s in after if s not in before]
    assert len(new) == 1
    assert "$1" in new[0] and "'prep'" not in new[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_outdated_by_a_migration_fails_then_its_connection_is_renewed():
    """A migration that changes a column's type, run by another process,
    makes a prepared statement fail; the connection is renewed when the
    request ends, even long before `CONN_MAX_AGE`."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    # Another process's connection to the same database, as Django opens one.
    migrating = connection.get_new_connection(connection.get_connection_params())
    migrating.autocommit = True
    select = "SELECT id, amount FROM probe_outdated_plan WHERE id = %s"
    try:
        migrating.execute(
            "CREATE TABLE probe_outdated_plan (id int PRIMARY KEY, amount int)"
        )
        migrating.execute("INSERT INTO probe_outdated_plan VALUES (1, 2)")
        with connection.cursor() as cursor:
            for _ in range(6):
                cursor.execute(select, [1])
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements "
                "WHERE statement LIKE '%%probe_outdated_plan%%'"
            )
            assert cursor.fetchone() == (1,)
        # A connection Django would otherwise keep for an hour.
        connection.close_at = time.monotonic() + 3600
        migrating.execute("ALTER TABLE probe_outdated_plan ALTER amount TYPE bigint")
        with pytest.raises(NotSupportedError), connection.cursor() as cursor:
            cursor.execute(select, [1])
        # What the end of a request (or a worker's next task) runs.
        close_old_connections()
        with connection.cursor() as cursor:
            cursor.execute(select, [1])
            assert cursor.fetchone() == (1, 2)
    finally:
        migrating.execute("DROP TABLE IF EXISTS probe_outdated_plan")
        migrating.close()
