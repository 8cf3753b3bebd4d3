"""Slow work of e-invoicing; each task only calls a service. A failed task is
not retried by the queue: the rows say what is left and the sweep
(`einvoicing_sync`) picks it up, after the backoff.

Each task is declared beside the service it runs (a service queues it with
a plain import, no cycle); this module lists them under the names already
queued rows carry (django_tasks stores a task's module path).
"""

from __future__ import annotations

from .services.reporting import send_report_task
from .services.transmission import poll_transmission_task, submit_document_task

__all__ = ["poll_transmission_task", "send_report_task", "submit_document_task"]
