"""Slow work around documents; each task only calls a service.

Each task is declared beside the service it runs (a service queues it with
a plain import, no cycle); this module lists them under the names already
queued rows carry (django_tasks stores a task's module path).
"""

from __future__ import annotations

from .services.documents import render_document_task
from .services.mail import invoices_issued_task, resend_documents_task

__all__ = ["invoices_issued_task", "render_document_task", "resend_documents_task"]
