"""A long period is built by a task into storage, with its progress."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from comptoir.accounting import fec
from comptoir.accounting.models import ExportJob, ExportStatus
from comptoir.accounting.services import (
    build_export,
    period_entries,
    request_export,
)
from comptoir.invoicing.models import Invoice
from tests.accounting.fec_checker import check_fec

pytestmark = pytest.mark.django_db


def test_a_years_export_is_built_by_the_task_and_passes_the_check(
    book, manager, django_capture_on_commit_callbacks
):
    start = book.end - dt.timedelta(days=364)
    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(
            park=book.park,
            date_from=start,
            date_to=book.end,
            fmt="fec",
            requested_by=manager,
        )
    job.refresh_from_db()
    assert job.status == ExportStatus.READY
    assert job.total == job.done == book.documents.count() + 6
    assert job.percent == 100
    assert job.filename == f"{book.park.siren}FEC{book.end:%Y%m%d}.txt"
    with job.file.open("rb") as stored:
        report = check_fec(stored.read(), job.filename)
    assert report.ok, report.problems
    assert report.entries == job.total


def test_a_job_is_built_once_even_if_queued_twice(book, manager):
    job = ExportJob.objects.create(
        organization=book.park.organization,
        park=book.park,
        date_from=book.start,
        date_to=book.end,
        format="csv",
        filename="x.csv",
    )
    assert build_export(job_id=job.pk) is not None
    first = ExportJob.objects.get(pk=job.pk).file.name
    assert build_export(job_id=job.pk) is None
    assert ExportJob.objects.get(pk=job.pk).file.name == first


def test_progress_is_reported_as_the_journal_is_read(book):
    seen: list[int] = []
    entries = period_entries(
        park=book.park, date_from=book.start, date_to=book.end, progress=seen.append
    )
    # Nothing is read before the file is: the export is lazy.
    assert seen == []
    list(entries)
    assert seen[-1] == book.documents.count() + 6


def test_a_failed_build_says_so_and_keeps_the_error(book, monkeypatch):
    job = ExportJob.objects.create(
        organization=book.park.organization,
        park=book.park,
        date_from=book.start,
        date_to=book.end,
        format="fec",
        filename="x.txt",
    )

    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr("comptoir.accounting.services.write_export", broken)
    with pytest.raises(OSError):
        build_export(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "disque plein"


def _peak(book, count: int) -> int:
    template = Invoice.objects.filter(park=book.park, kind="invoice").first()
    last = (
        Invoice.objects.filter(park=book.park, kind="invoice")
        .order_by("-sequence")[0]
        .sequence
    )
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Invoice._meta.concrete_fields
        if f.attname not in ("id", "public_id", "sequence", "number", "generation")
    }
    Invoice.objects.bulk_create(
        Invoice(
            **fields,
            sequence=last + n + 1,
            generation=last + n + 1,
            number=f"FA-BULK-{last + n + 1:06d}",
        )
        for n in range(count)
    )
    entries = period_entries(park=book.park, date_from=book.start, date_to=book.end)
    tracemalloc.start()
    for _chunk in fec.fec_chunks(entries):
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_memory_stays_flat_whatever_the_number_of_documents(book):
    # Both above the 200-row page, so both hold one full page at most.
    small = _peak(book, 400)
    large = _peak(book, 1200)  # now 1600 documents, four times as many
    assert large < small * 1.5, (small, large)


def test_an_export_a_dead_worker_left_is_queued_again_and_built(book):
    long_ago = timezone.now() - dt.timedelta(hours=2)
    stuck = ExportJob.objects.create(
        organization=book.park.organization,
        park=book.park,
        date_from=book.start,
        date_to=book.end,
        format="fec",
        filename="stuck.txt",
        status=ExportStatus.RUNNING,
        done=3,
        total=12,
    )
    ExportJob.objects.filter(pk=stuck.pk).update(started_at=long_ago)
    recent = ExportJob.objects.create(
        organization=book.park.organization,
        park=book.park,
        date_from=book.start,
        date_to=book.end,
        format="fec",
        filename="recent.txt",
        status=ExportStatus.RUNNING,
        started_at=timezone.now(),
    )
    call_command("requeue_exports", "--minutes=30")
    stuck.refresh_from_db()
    recent.refresh_from_db()
    # The test settings run tasks inline: queued again means built.
    assert stuck.status == ExportStatus.READY
    with default_storage.open(stuck.file.name, "rb") as stored:
        assert check_fec(stored.read(), f"{book.park.siren}FEC20240101.txt").ok
    assert recent.status == ExportStatus.RUNNING
