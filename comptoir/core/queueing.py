"""Queue a task from inside the transaction whose rows it works on."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django_tasks.base import Task
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import rows


def _insert_task_row(backend: DatabaseBackend, task_: Task, kwargs: dict) -> None:
    """`DatabaseBackend.enqueue(task_, (), kwargs)`: the same row, written by
    `rows.insert` (no INSERT compiled on every call), the same signal."""
    backend.validate_task(cast(Any, task_))  # the stubs name django.tasks' Task
    row: DBTaskResult = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": (), "kwargs": kwargs}),
        priority=task_.priority,
        task_path=task_.module_path,
        queue_name=task_.queue_name,
        run_after=task_.run_after,  # type: ignore[misc]
        backend_name=backend.alias,
    )
    rows.insert(row)
    task_enqueued.send(type(backend), task_result=row.task_result)


def enqueue_with_documents(task_: Task, **kwargs: Any) -> None:
    """Queue work about documents being issued in the current transaction.

    With the database backend the task row commits or rolls back with the
    documents themselves (no commit of its own, nothing lost in between);
    an in-process backend runs it only once the documents are committed.
    """
    backend = task_.get_backend()
    if isinstance(backend, DatabaseBackend):
        _insert_task_row(backend, task_, kwargs)
    else:
        transaction.on_commit(lambda: task_.enqueue(**kwargs))
