"""Slow work of the accounting domain; each task only calls a service.

Each task is declared beside the service it runs (a service queues it with
a plain import, no cycle); this module lists them under the names already
queued rows carry (django_tasks stores a task's module path).
"""

from __future__ import annotations

from .services import build_export_task

__all__ = ["build_export_task"]
