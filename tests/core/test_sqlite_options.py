"""A SQLite file named by DATABASE_URL is opened like the embedded default:
WAL, synchronous NORMAL and every transaction begun IMMEDIATE
(docs/locking.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from comptoir.settings.base import SQLITE_OPTIONS, database_from_env


@pytest.fixture
def url_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_db_blocker: Any
) -> Iterator[BaseDatabaseWrapper]:
    """A connection to a SQLite file configured through DATABASE_URL (not
    the test database)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/url.sqlite3")
    handler = ConnectionHandler({"default": database_from_env(tmp_path / "unused")})
    connection = handler["default"]
    with django_db_blocker.unblock():
        yield connection
        connection.close()


def test_a_sqlite_url_gets_the_embedded_default_options(url_database):
    options = url_database.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["init_command"] == SQLITE_OPTIONS["init_command"]
    with url_database.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert cursor.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL


def test_a_sqlite_url_transaction_takes_the_write_lock_before_writing(
    url_database, tmp_path
):
    with url_database.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
    other = sqlite3.connect(tmp_path / "url.sqlite3", timeout=0, isolation_level=None)
    try:
        # How atomic() opens its transaction (this connection is not in
        # django.db.connections, which atomic() looks up).
        url_database.set_autocommit(
            False, force_begin_transaction_with_broken_autocommit=True
        )
        # Nothing written yet: only BEGIN IMMEDIATE holds the lock here.
        with url_database.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM counter")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        url_database.rollback()
        url_database.set_autocommit(True)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_an_option_in_the_url_wins_over_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite3?timeout=5")
    options = database_from_env(tmp_path / "unused")["OPTIONS"]
    assert options["timeout"] == 5
    assert options["transaction_mode"] == "IMMEDIATE"


def test_a_postgres_url_gets_no_sqlite_option(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user@127.0.0.1:5432/shop")
    config = database_from_env(tmp_path / "unused")
    assert "transaction_mode" not in config.get("OPTIONS", {})
    assert "init_command" not in config.get("OPTIONS", {})
