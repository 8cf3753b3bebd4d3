"""Tasks live beside their services; rows queued under the old names still run.

django_tasks stores a task's module path in the queued row. The tasks moved
from `comptoir.<app>.tasks` into the services modules, and each `tasks.py`
re-exports them, so a row queued before a deploy is still found by
`db_worker` after it.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.tasks import invoices_issued_task
from tests import factories

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def _old_path(path: str) -> str:
    """comptoir.invoicing.services.mail.invoices_issued_task
    -> comptoir.invoicing.tasks.invoices_issued_task"""
    app, name = path.split(".")[1], path.rsplit(".", 1)[1]
    return f"comptoir.{app}.tasks.{name}"


# The worker closes its database connection between tasks: commit for real.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_rows_queued_under_the_tasks_modules_still_run(park, member, products):
    factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    # A paid online sale queues its confirmation only (it renders the
    # invoice); a release before that also queued the invoice's own task.
    invoices_issued_task.enqueue(invoice_ids=[Invoice.objects.get().pk], notify=False)
    queued = list(DBTaskResult.objects.values_list("pk", "task_path"))
    assert sorted(path for _, path in queued) == [
        "comptoir.invoicing.services.mail.invoices_issued_task",
        "comptoir.sales.mail.confirm_order_task",
    ]
    for pk, path in queued:
        DBTaskResult.objects.filter(pk=pk).update(task_path=_old_path(path))

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    assert DBTaskResult.objects.successful().count() == 2  # both paths found
    assert Invoice.objects.get().pdf_sha256  # rendered once, by either task
    (message,) = mail.outbox  # sent by confirm_order_task
    assert message.to == [member.email]
