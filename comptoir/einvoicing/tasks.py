"""Slow work of e-invoicing; each task only calls a service. A failed task is
not retried by the queue: the rows say what is left and the sweep
(`einvoicing_sync`) picks it up, after the backoff."""

from __future__ import annotations

from django_tasks import task


@task()
def submit_document_task(transmission_id: int) -> None:
    from .services.transmission import submit_transmission

    submit_transmission(transmission_id=transmission_id)


@task()
def poll_transmission_task(transmission_id: int) -> None:
    from .models import Transmission
    from .services.cashed import send_cashed_status
    from .services.transmission import poll_transmission

    transmission = Transmission.objects.select_related("document").get(
        pk=transmission_id
    )
    poll_transmission(transmission=transmission)
    send_cashed_status(transmission_id=transmission_id)


@task()
def send_report_task(report_id: int) -> None:
    from .services.reporting import send_report

    send_report(report_id=report_id)
