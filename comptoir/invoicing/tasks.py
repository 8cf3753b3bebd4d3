"""Slow work around documents; each task only calls a service."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task


@task()
def render_document_task(invoice_id: int) -> None:
    from .services.documents import render_and_store

    render_and_store(invoice_id=invoice_id)


@task()
def invoices_issued_task(invoice_ids: list[int], notify: bool) -> None:
    """Render the new invoices, then tell the member they are available."""
    from .services.documents import render_and_store
    from .services.mail import send_invoice_available

    for invoice_id in invoice_ids:
        render_and_store(invoice_id=invoice_id)
    if notify:
        send_invoice_available(invoice_ids=invoice_ids)


@task()
def resend_documents_task(invoice_ids: list[int]) -> None:
    """Mail documents again, as asked from the back office."""
    from .services.mail import send_invoice_available

    send_invoice_available(invoice_ids=invoice_ids, resent=True)


def enqueue_with_documents(task_, **kwargs) -> None:
    """Queue work about documents being issued in the current transaction.

    With the database backend the task row commits or rolls back with the
    documents themselves (no commit of its own, nothing lost in between);
    an in-process backend runs it only once the documents are committed.
    """
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task_.enqueue(**kwargs))
