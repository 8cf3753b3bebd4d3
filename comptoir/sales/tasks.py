"""Slow work around sales; each task only calls a service.

Each task is declared beside the service it runs (a service queues it with
a plain import, no cycle); this module lists them under the names already
queued rows carry (django_tasks stores a task's module path).
"""

from __future__ import annotations

from .mail import confirm_order_task

__all__ = ["confirm_order_task"]
