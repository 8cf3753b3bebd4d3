"""Render a document's PDF once, store it, and never render it again."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from comptoir.core import rows
from comptoir.core.prepared import PreparedQuery

from .. import rendering
from ..integrity import seal_pdf
from ..models import Invoice

logger = logging.getLogger(__name__)


def _logo_bytes(name: str) -> bytes | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


def _locked(pk: int) -> QuerySet[Invoice]:
    return Invoice.objects.select_for_update().filter(pk=pk)


# Compiled once: every paid online sale with an invoice runs it.
_LOCKED = PreparedQuery[Invoice](_locked)


def _render_and_store(invoice_id: int) -> tuple[Invoice, bytes | None]:
    """The invoice, rendered and stored unless already, and the PDF when
    this call rendered it (None when it was stored before)."""
    with transaction.atomic():
        invoice = _LOCKED.first(pk=invoice_id)
        if invoice is None:
            raise Invoice.DoesNotExist(f"No invoice {invoice_id}.")
        if invoice.pdf_sha256:
            return invoice, None
        pdf = rendering.render_document(
            invoice.snapshot, logo=_logo_bytes(invoice.snapshot["seller"]["logo"])
        )
        invoice.pdf.save(invoice.filename, ContentFile(pdf), save=False)
        invoice.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        invoice.pdf_seal = seal_pdf(invoice)
        invoice.rendered_at = timezone.now()
        # `Invoice.save()` would ask again whether the file is stored: the
        # lock taken above already answered, and holds until commit.
        rows.update(invoice, ("pdf", "pdf_sha256", "pdf_seal", "rendered_at"))
    return invoice, pdf


def render_and_store(*, invoice_id: int) -> Invoice:
    """Render from the snapshot and store the PDF, unless already stored.

    The row is locked while rendering so two workers (or a worker and a
    download) never store two different files; the first one wins.
    """
    return _render_and_store(invoice_id)[0]


@task()
def render_document_task(invoice_id: int) -> None:
    render_and_store(invoice_id=invoice_id)


def ensure_rendered(invoice: Invoice) -> Invoice:
    """The stored document, rendering it now if no worker did yet."""
    if invoice.pdf_sha256:
        return invoice
    return render_and_store(invoice_id=invoice.pk)


def pdf_bytes(invoice: Invoice) -> bytes:
    """The stored PDF, rendered now if no worker did yet: the bytes of a
    render are those just stored, not read back."""
    if not invoice.pdf_sha256:
        invoice, pdf = _render_and_store(invoice.pk)
        if pdf is not None:
            return pdf
    with invoice.pdf.open("rb") as fh:
        return fh.read()


def requeue_unrendered() -> int:
    """Queue a render for every document a dead worker left unrendered."""
    ids = list(
        Invoice.objects.filter(rendered_at__isnull=True).values_list("pk", flat=True)
    )
    for pk in ids:
        render_document_task.enqueue(invoice_id=pk)
    return len(ids)
