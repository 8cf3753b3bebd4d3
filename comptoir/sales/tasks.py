"""Slow work around sales; each task only calls a service."""

from __future__ import annotations

from django_tasks import task


@task()
def confirm_order_task(sale_id: int) -> None:
    from .mail import send_order_confirmation

    send_order_confirmation(sale_id=sale_id)
