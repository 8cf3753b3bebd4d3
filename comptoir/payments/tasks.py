"""Tasks of the payments domain: each only calls a service."""

from __future__ import annotations

from django_tasks import task

from .services import sweep_payments


@task()
def sweep_payments_task() -> dict:
    report = sweep_payments()
    return {
        "sessions_checked": report.sessions_checked,
        "paid": report.paid,
        "released": report.released,
        "refunds_retried": report.refunds_retried,
        "errors": report.errors,
    }
