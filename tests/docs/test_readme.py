"""The README a newcomer follows: its logins work and its commands run, in
order, from a fresh copy of the repository; it points at nothing outside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from comptoir.demo.world import PASSWORD, load_demo
from comptoir.settings.base import database_from_env

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text()


def code_lines(text: str) -> list[str]:
    """Every command line of the README's shell blocks, comments dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def test_the_readme_links_only_to_files_of_the_repository():
    targets = re.findall(r"\]\(([^)#]+)", README) + re.findall(
        r"`([\w./-]+\.md)`", README
    )
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert "docs/architecture.md" in local
    for target in local:
        assert not target.startswith(".."), target
        assert (ROOT / target).exists(), target


def test_the_architecture_doc_covers_apps_imports_and_the_invoice_path():
    text = (ROOT / "docs" / "architecture.md").read_text()
    for app in ["core", "customers", "sales", "invoicing", "alerts", "backoffice"]:
        assert f"  {app}/" in text, app
    assert "Who may import whom" in text
    for step in ["record_payment", "issue_invoices", "render PDF", "mail"]:
        assert step in text, step


@pytest.mark.django_db
def test_the_platform_admin_logs_in_as_the_readme_says(client):
    row = next(line for line in README.splitlines() if "platform admin" in line)
    email = re.search(r"`([^`]+@[^`]+)`", row).group(1)
    assert re.search(rf"password \*\*`{PASSWORD}`\*\*", README)
    load_demo()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_admin_login_does_not_open_for_a_staff_or_member_email(client):
    load_demo()
    for email in ["manager@example.com", "eric.bay@example.com"]:
        response = client.post(
            "/admin/login/?next=/admin/", {"username": email, "password": PASSWORD}
        )
        assert response.status_code == 200, email
        assert client.get("/admin/").status_code == 302


def test_the_default_sqlite_database_creates_its_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    target = tmp_path / "var" / "comptoir.sqlite3"
    config = database_from_env(target)
    assert config["NAME"] == target
    assert target.parent.is_dir()


def test_a_sqlite_database_url_gets_the_default_files_write_lock_and_journal(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    config = database_from_env(tmp_path / "unused.sqlite3")
    assert config["NAME"] == f"{tmp_path}/other.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_the_readme_manage_commands_run_in_order_from_a_fresh_copy(tmp_path):
    """`manage.py migrate` without make, then every other manage.py line."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    clone = tmp_path / "clone"
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    assert not (clone / "var").exists()
    commands = [c for c in code_lines(README) if "manage.py" in c]
    assert commands[0] == ".venv/bin/python manage.py migrate"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    for command in commands:
        args = command.split()
        if args[2] == "runserver":
            args = [*args[:2], "check"]
        result = subprocess.run(
            [sys.executable, *args[1:]],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert (clone / "var" / "comptoir.sqlite3").is_file()
