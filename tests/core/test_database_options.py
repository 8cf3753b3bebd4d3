"""PostgreSQL prepares the statements every order repeats, unless the
operator turns it off for a pooler that cannot keep them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

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
