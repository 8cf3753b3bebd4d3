"""Loose reactions to the invoicing domain, registered by this app."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save

from comptoir.invoicing.models import Invoice

from .services.transmission import is_einvoiced, queue_document


def document_rendered(
    sender: type[Invoice],
    instance: Invoice,
    update_fields: frozenset[str] | None = None,
    **kwargs: object,
) -> None:
    """Once a document's Factur-X is stored, queue its transmission to the PA.

    Rendering saves only the file columns (RENDER_FIELDS); reacting here keeps
    invoicing unaware of e-invoicing. A crash between the two is caught by
    the sweep, which queues rendered documents without a transmission.
    """
    if kwargs.get("created") or not update_fields or "pdf_sha256" not in update_fields:
        return
    if not instance.pdf_sha256 or not is_einvoiced(instance):
        return
    # The document just saved, snapshot included: nothing to read again.
    transaction.on_commit(lambda: queue_document(document=instance))


def connect() -> None:
    post_save.connect(document_rendered, sender=Invoice, dispatch_uid="einvoicing")
