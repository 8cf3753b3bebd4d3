"""PDFs are rendered from the snapshot once, stored, and never rendered again."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.documents import (
    ensure_rendered,
    pdf_bytes,
    render_and_store,
    requeue_unrendered,
)
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _invoice(park, member, products) -> Invoice:
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    return Invoice.objects.get(sale=sale)


def test_issuing_queues_the_render_and_the_worker_stores_it_with_its_sha256(
    park, member, products
):
    invoice = _invoice(park, member, products)  # ImmediateBackend: rendered on commit
    invoice.refresh_from_db()
    assert invoice.rendered_at is not None
    with invoice.pdf.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == invoice.pdf_sha256


@override_settings(TASKS=DUMMY_TASKS)
def test_download_before_the_worker_renders_it_then(park, member, products):
    invoice = _invoice(park, member, products)
    assert invoice.rendered_at is None and not invoice.pdf
    data = pdf_bytes(invoice)
    invoice.refresh_from_db()
    assert data.startswith(b"%PDF") and invoice.pdf_sha256


def test_a_stored_pdf_is_never_rendered_again(park, member, products, monkeypatch):
    invoice = _invoice(park, member, products)
    invoice.refresh_from_db()
    stored = (invoice.pdf.name, invoice.pdf_sha256)
    import comptoir.invoicing.rendering as rendering

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(rendering, "render_document", must_not_render)
    again = render_and_store(invoice_id=invoice.pk)
    assert (again.pdf.name, again.pdf_sha256) == stored
    assert ensure_rendered(invoice).pdf_sha256 == stored[1]


@override_settings(TASKS=DUMMY_TASKS)
def test_requeue_finds_documents_a_dead_worker_left_unrendered(park, member, products):
    for _ in range(2):
        _invoice(park, member, products)
    assert requeue_unrendered() == 2


def test_verify_invoices_detects_a_replaced_pdf_file(park, member, products):
    invoice = _invoice(park, member, products)
    invoice.refresh_from_db()
    call_command("verify_invoices")
    with open(invoice.pdf.path, "ab") as fh:
        fh.write(b"% tampered")
    with pytest.raises(CommandError, match="PDF"):
        call_command("verify_invoices")


@override_settings(TASKS=DUMMY_TASKS)
def test_the_bytes_of_a_render_are_those_stored(park, member, products):
    invoice = _invoice(park, member, products)
    data = pdf_bytes(invoice)  # rendered by this call, not read back
    invoice.refresh_from_db()
    with invoice.pdf.open("rb") as fh:
        assert fh.read() == data
    assert hashlib.sha256(data).hexdigest() == invoice.pdf_sha256
    assert pdf_bytes(invoice) == data  # stored already: read from the file
