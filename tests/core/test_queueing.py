"""`enqueue_with_documents` writes, in the caller's transaction, the task
row django_tasks_db's own `enqueue` writes, and sends its signal."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from comptoir.core.queueing import enqueue_with_documents
from comptoir.invoicing.services.mail import invoices_issued_task

pytestmark = pytest.mark.django_db

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
COMPARED = (
    "status",
    "args_kwargs",
    "priority",
    "task_path",
    "queue_name",
    "run_after",
    "backend_name",
    "worker_ids",
    "started_at",
    "finished_at",
    "return_value",
)


class Rollback(Exception):
    pass


@override_settings(TASKS=DB_TASKS)
def test_the_task_row_is_the_one_the_backend_writes():
    sent = []

    def received(sender, task_result, **kwargs):
        sent.append(task_result)

    task_enqueued.connect(received)
    try:
        theirs = invoices_issued_task.enqueue(invoice_ids=[3, 4], notify=True)
        with transaction.atomic():
            enqueue_with_documents(
                invoices_issued_task, invoice_ids=[3, 4], notify=True
            )
    finally:
        task_enqueued.disconnect(received)

    ours = DBTaskResult.objects.exclude(pk=theirs.id).get()
    expected = DBTaskResult.objects.values(*COMPARED).get(pk=theirs.id)
    assert DBTaskResult.objects.values(*COMPARED).get(pk=ours.pk) == expected
    assert ours.enqueued_at >= DBTaskResult.objects.get(pk=theirs.id).enqueued_at
    assert [r.id for r in sent] == [theirs.id, str(ours.pk)]
    assert sent[1].kwargs == {"invoice_ids": [3, 4], "notify": True}


@override_settings(TASKS=DB_TASKS)
def test_the_task_row_rolls_back_with_the_documents():
    with pytest.raises(Rollback), transaction.atomic():
        enqueue_with_documents(invoices_issued_task, invoice_ids=[1], notify=False)
        assert DBTaskResult.objects.count() == 1
        raise Rollback

    assert not DBTaskResult.objects.exists()
