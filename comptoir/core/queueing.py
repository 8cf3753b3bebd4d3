"""Queue a task from inside the transaction whose rows it works on."""

from __future__ import annotations

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend


def enqueue_with_documents(task_: Task, **kwargs) -> None:
    """Queue work about documents being issued in the current transaction.

    With the database backend the task row commits or rolls back with the
    documents themselves (no commit of its own, nothing lost in between);
    an in-process backend runs it only once the documents are committed.
    """
    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task_.enqueue(**kwargs))
