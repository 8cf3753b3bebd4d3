"""Slow work of the accounting domain; each task only calls a service."""

from __future__ import annotations

from django_tasks import task


@task()
def build_export_task(job_id: int) -> None:
    from .services import build_export

    build_export(job_id=job_id)
