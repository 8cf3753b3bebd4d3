"""Writes of the accounting domain: the account plan, the journal exports."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO

from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from comptoir.core import audit
from comptoir.organizations.models import Park, User

from . import fec
from .journal import Entry, count_sources, journal_entries
from .models import AccountSetting, ExportFormat, ExportJob, ExportStatus
from .plan import DEFAULTS, plan_of

logger = logging.getLogger(__name__)

# Up to a month, the file is streamed to the browser as it is read; a
# longer period is built by a task into storage (docs/accounting.md).
STREAM_MAX_DAYS = 31
CONTENT_TYPES = {
    ExportFormat.FEC: "text/plain; charset=iso-8859-15",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}


class AccountingError(Exception):
    """Base: `message` is a sentence for the operator, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def save_account_plan(
    *,
    park: Park,
    accounts: Mapping[str, tuple[str, str]],
    actor: User | AnonymousUser | None,
) -> list[str]:
    """Store the manager's accounts; a key set back to its default is removed.

    Returns the keys changed. Documents already exported are not touched:
    the next export uses the new accounts.
    """
    changed: list[str] = []
    with transaction.atomic():
        current = {
            setting.key: setting
            for setting in AccountSetting.objects.select_for_update().filter(park=park)
        }
        for key, (number, label) in accounts.items():
            if key not in DEFAULTS:
                continue
            number, label = number.strip(), label.strip()
            setting = current.get(key)
            before = (setting.number, setting.label) if setting else DEFAULTS[key]
            if (number, label) == before:
                continue
            changed.append(key)
            if (number, label) == DEFAULTS[key]:
                if setting:
                    AccountSetting.objects.filter(pk=setting.pk).delete()
                continue
            AccountSetting.objects.update_or_create(
                park=park, key=key, defaults={"number": number, "label": label}
            )
        if changed:
            audit.record(
                park,
                "accounting.plan.updated",
                actor=actor,
                organization=park.organization,
                data={"keys": changed},
            )
    return changed


def export_filename(park: Park, fmt: str, date_from: dt.date, date_to: dt.date) -> str:
    if fmt == ExportFormat.FEC:
        return fec.fec_filename(park.siren, date_to)
    return f"{park.siren}-ecritures-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"


def period_entries(
    *,
    park: Park,
    date_from: dt.date,
    date_to: dt.date,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Entry]:
    if date_to < date_from:
        raise AccountingError("La date de fin précède la date de début.")
    return journal_entries(
        plan=plan_of(park.pk),
        park_id=park.pk,
        time_zone=park.time_zone,
        date_from=date_from,
        date_to=date_to,
        progress=progress,
    )


def stream_chunks(fmt: str, entries: Iterable[Entry]) -> Iterator[bytes]:
    """FEC or CSV bytes as they are produced (XLSX needs a file: see below)."""
    if fmt == ExportFormat.FEC:
        return fec.fec_chunks(entries)
    if fmt == ExportFormat.CSV:
        return fec.csv_chunks(entries)
    raise AccountingError("Ce format ne se diffuse pas en continu.")


def write_export(fmt: str, entries: Iterable[Entry], target: IO[bytes]) -> None:
    """Write the whole export into a binary file object."""
    if fmt == ExportFormat.XLSX:
        fec.write_xlsx(entries, target)
        return
    for chunk in stream_chunks(fmt, entries):
        target.write(chunk)


def request_export(
    *,
    park: Park,
    date_from: dt.date,
    date_to: dt.date,
    fmt: str,
    requested_by: User | AnonymousUser | None,
) -> ExportJob:
    """Queue the export of a long period; the task fills the file in."""
    if date_to < date_from:
        raise AccountingError("La date de fin précède la date de début.")
    if fmt not in ExportFormat.values:
        raise AccountingError("Format d'export inconnu.")
    with transaction.atomic():
        job = ExportJob.objects.create(
            organization_id=park.organization_id,
            park=park,
            date_from=date_from,
            date_to=date_to,
            format=fmt,
            filename=export_filename(park, fmt, date_from, date_to),
            requested_by=(
                requested_by
                if isinstance(requested_by, User) and requested_by.pk
                else None
            ),
        )
        audit.record(
            job,
            "accounting.export.requested",
            actor=requested_by,
            organization=park.organization,
            data={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "format": fmt,
            },
        )
        transaction.on_commit(lambda: build_export_task.enqueue(job_id=job.pk))
    return job


def build_export(*, job_id: int) -> ExportJob | None:
    """Build a queued export into storage, saying how far it got as it goes.

    Claimed with a conditional UPDATE: a job queued twice is built once.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("park").get(pk=job_id)
    park = job.park
    try:
        total = count_sources(
            park_id=park.pk,
            time_zone=park.time_zone,
            date_from=job.date_from,
            date_to=job.date_to,
        )
        ExportJob.objects.filter(pk=job.pk).update(total=total)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(done=done)

        entries = period_entries(
            park=park, date_from=job.date_from, date_to=job.date_to, progress=progress
        )
        with tempfile.TemporaryFile() as spool:
            write_export(job.format, entries, spool)
            spool.seek(0)
            job.file.save(job.filename, File(spool), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            file=job.file.name,
            status=ExportStatus.READY,
            done=total,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("Accounting export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            error=str(exc) or type(exc).__name__,
            finished_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    return job


def requeue_stale_exports(*, older_than: dt.timedelta) -> int:
    """Queue again the exports a dead worker left (or whose task was lost).

    A job still pending, or running, `older_than` after it was asked for or
    started is put back to pending and queued; the conditional UPDATE means
    a job a live worker finishes meanwhile is left alone.
    """
    limit = timezone.now() - older_than
    stale = ExportJob.objects.filter(
        Q(status=ExportStatus.PENDING, created_at__lt=limit)
        | Q(status=ExportStatus.RUNNING, started_at__lt=limit)
    ).values_list("pk", "status")
    count = 0
    for pk, status in list(stale):
        if ExportJob.objects.filter(pk=pk, status=status).update(
            status=ExportStatus.PENDING, done=0, started_at=None
        ):
            build_export_task.enqueue(job_id=pk)
            count += 1
    return count


@task()
def build_export_task(job_id: int) -> None:
    build_export(job_id=job_id)
