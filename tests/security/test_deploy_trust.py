"""`manage.py check --deploy` passes only once the integrity key, the SMTP
server and the trusted proxy header are set for production."""

from __future__ import annotations

import pytest

from tests.test_deploy_check import PRODUCTION_ENV, run_check_deploy


def test_production_environment_sets_the_trust_settings():
    for name in (
        "COMPTOIR_INTEGRITY_KEY",
        "EMAIL_HOST",
        "COMPTOIR_TRUSTED_PROXY_HEADER",
    ):
        assert PRODUCTION_ENV[name]


@pytest.mark.parametrize(
    "value",
    [None, "", "short-key", "dev-only-integrity-key-comptoir-not-for-production"],
    ids=["missing", "empty", "short", "development default"],
)
def test_check_deploy_fails_without_a_real_integrity_key(value):
    result = run_check_deploy(COMPTOIR_INTEGRITY_KEY=value)
    assert result.returncode != 0
    assert "comptoir.E101" in result.stdout + result.stderr


def test_check_deploy_fails_without_an_smtp_server():
    result = run_check_deploy(EMAIL_HOST=None)
    assert result.returncode != 0
    assert "comptoir.E102" in result.stdout + result.stderr


def test_check_deploy_accepts_another_mail_backend_without_smtp_host():
    result = run_check_deploy(
        EMAIL_HOST=None,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
    )
    assert "comptoir.E102" not in result.stdout + result.stderr


def test_check_deploy_fails_without_the_trusted_proxy_header():
    result = run_check_deploy(COMPTOIR_TRUSTED_PROXY_HEADER=None)
    assert result.returncode != 0
    assert "comptoir.E103" in result.stdout + result.stderr
