"""Slow work around documents; each task only calls a service."""

from __future__ import annotations

from django_tasks import task


@task()
def render_document_task(invoice_id: int) -> None:
    from .services.documents import render_and_store

    render_and_store(invoice_id=invoice_id)


@task()
def send_invoice_mail_task(invoice_ids: list[int]) -> None:
    from .services.mail import send_invoice_available

    send_invoice_available(invoice_ids=invoice_ids)
