"""Production settings pass Django's deployment checklist only when every
production secret is set, and fail it when a development default is left."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Everything a production deployment must set; each test removes or spoils one.
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "comptoir.settings.prod",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "comptoir.example",
    "COMPTOIR_ENCRYPTION_KEYS": "k" * 12 + "-production-like-encryption-key-0123",
    # A fresh, empty database (not the demo's): checks that read the database
    # find nothing to complain about there.
    "DATABASE_URL": "sqlite:///"
    + str(Path(tempfile.gettempdir()) / "comptoir-check-deploy-empty.sqlite3"),
    "COMPTOIR_INTEGRITY_KEY": "i" * 12 + "-production-like-integrity-key-0123456",
    "EMAIL_HOST": "smtp.comptoir.example",
    "COMPTOIR_TRUSTED_PROXY_HEADER": "X-Forwarded-For",
    "SITE_URL": "https://comptoir.example",
}


def run_check_deploy(**overrides: str | None) -> subprocess.CompletedProcess[str]:
    # The browser tests' conftest sets this for the live server; production must not.
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and k not in PRODUCTION_ENV
    }
    env.update(PRODUCTION_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_check_deploy_is_clean_with_production_settings():
    result = run_check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_an_encryption_key():
    result = run_check_deploy(COMPTOIR_ENCRYPTION_KEYS=None)
    assert result.returncode != 0
    assert "comptoir.E001" in result.stdout + result.stderr


def test_check_deploy_fails_with_a_short_encryption_key():
    result = run_check_deploy(COMPTOIR_ENCRYPTION_KEYS="short")
    assert result.returncode != 0
    assert "comptoir.E001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "site_url", [None, "http://127.0.0.1:8000", "https://localhost", "http://a.example"]
)
def test_check_deploy_fails_when_mail_links_would_not_reach_the_public_site(
    site_url,
):
    result = run_check_deploy(SITE_URL=site_url)
    assert result.returncode != 0
    assert "comptoir.E040" in result.stdout + result.stderr
