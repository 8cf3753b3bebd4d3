"""A paid online sale is one task for the PDF worker: the order
confirmation renders the sale's invoices (once), then mails them. A render
that fails does not hold the mail back, and the invoice is rendered later."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

import comptoir.invoicing.rendering as rendering
from comptoir.catalog.models import Product, ProductKind
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_invoices
from comptoir.invoicing.services.corrections import correct_invoice
from comptoir.sales.mail import send_order_confirmation
from tests import factories
from tests.scanning import scanned_codes

DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


def _stored(invoice: Invoice) -> bytes:
    invoice.refresh_from_db()
    with invoice.pdf.open("rb") as fh:
        return fh.read()


# The worker closes its database connection between tasks: commit for real.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_a_paid_online_sale_is_one_task_that_renders_then_mails(park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "comptoir.sales.mail.confirm_order_task"
    ]
    _run_worker()
    invoice = Invoice.objects.get(sale=sale)
    assert invoice.pdf_sha256 and invoice.rendered_at
    (message,) = mail.outbox
    attached = {name: content for name, content, _ in message.attachments}
    assert attached[f"{invoice.number}.pdf"] == _stored(invoice)
    assert DBTaskResult.objects.successful().count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_the_invoice_of_a_client_without_email_is_rendered_all_the_same(
    park, group, products
):
    client = factories.client(park, groups=[group], email="")
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    _run_worker()
    assert mail.outbox == []
    assert Invoice.objects.get(sale=sale).pdf_sha256


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_a_failed_render_still_mails_the_order_and_queues_the_render_again(
    park, member, products, monkeypatch
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    real = rendering.render_document

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(rendering, "render_document", broken)
    _run_worker()
    invoice = Invoice.objects.get(sale=sale)
    assert not invoice.pdf_sha256
    (message,) = mail.outbox  # the order is confirmed all the same
    attached = {name for name, _, _ in message.attachments}
    assert attached == {f"billets-{sale.number}.pdf"}
    assert invoice.number in message.body  # linked: the download renders it
    assert DBTaskResult.objects.failed().count() == 1  # the render, queued again

    monkeypatch.setattr(rendering, "render_document", real)
    call_command("requeue_renders")
    _run_worker()
    assert Invoice.objects.get(sale=sale).pdf_sha256
    assert len(mail.outbox) == 1  # no second confirmation


@pytest.mark.django_db
def test_the_order_confirmation_reads_only_what_the_sale_has(
    park,
    member,
    products,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    """The sale with its client's eligibility, its lines, their tickets (no
    bookings or vouchers to look for), its invoices (already rendered here)."""
    with django_capture_on_commit_callbacks(execute=True):
        sale = factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        )
    mail.outbox = []
    with django_assert_num_queries(4):
        assert send_order_confirmation(sale_id=sale.pk) == 1
    names = {name for name, _, _ in mail.outbox[0].attachments}
    assert names == {
        f"billets-{sale.number}.pdf",
        f"{Invoice.objects.get(sale=sale).number}.pdf",
    }


@pytest.mark.django_db
def test_an_invoice_corrected_before_the_confirmation_is_not_mailed(
    park, member, products, manager
):
    """Only the sale's active invoice goes with its confirmation: the one a
    correction cancelled (full credit note) before the worker ran does not."""
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    wrong = Invoice.objects.get(sale=sale)
    new = correct_invoice(invoice=wrong, reason="Adresse", corrected_by=manager).invoice
    mail.outbox = []
    assert send_order_confirmation(sale_id=sale.pk) == 1
    (message,) = mail.outbox
    names = {name for name, _, _ in message.attachments}
    assert names == {f"billets-{sale.number}.pdf", f"{new.number}.pdf"}
    assert new.number in message.body and wrong.number not in message.body


@pytest.mark.django_db
def test_an_invoice_of_a_client_without_online_invoices_is_not_mailed(
    organization, park, products, manager
):
    """Staff invoiced the sale before its confirmation went: a client whose
    groups have no online invoices gets the order, not the invoice."""
    counter_only = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[counter_only], with_account=True)
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    assert not Invoice.objects.filter(sale=sale).exists()  # not issued online
    (invoice,) = issue_invoices(sale=sale, issued_by=manager)
    mail.outbox = []
    assert send_order_confirmation(sale_id=sale.pk) == 1
    (message,) = mail.outbox
    names = {name for name, _, _ in message.attachments}
    assert names == {f"billets-{sale.number}.pdf"}
    assert invoice.number not in message.body


@pytest.mark.django_db
def test_each_ticket_page_names_its_own_line_and_scans_as_its_code(
    park, member, products
):
    longer = Product.objects.create(
        organization=park.organization,
        park=park,
        name="Entrée 2h",
        kind=ProductKind.TICKET,
        price_incl=Decimal("40.00"),
        vat_rate="20.00",
    )
    basket = [*factories.basket(products, ("ticket", 2)), factories.Item(longer, 1)]
    sale = factories.paid_online_sale(park, member, basket)
    mail.outbox = []
    assert send_order_confirmation(sale_id=sale.pk) == 1
    pdf = {name: body for name, body, _ in mail.outbox[0].attachments}[
        f"billets-{sale.number}.pdf"
    ]
    expected = [
        (line.description, ticket.code)
        for line in sale.lines.order_by("pk")
        for ticket in line.tickets.all()  # their own order, as the PDF lists them
    ]
    assert [d for d, _ in expected] == ["Entrée 1h", "Entrée 1h", "Entrée 2h"]
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3
    for page, (description, code) in zip(pages, expected, strict=True):
        assert description in page.extract_text() and code in page.extract_text()
    assert scanned_codes(pdf) == [[code] for _, code in expected]


@pytest.mark.django_db
def test_only_a_paid_sale_gets_its_confirmation(park, member, products):
    basket = factories.basket(products, ("ticket", 1))
    sale = factories.online_sale(park, member, basket)

    assert send_order_confirmation(sale_id=sale.pk) == 0  # pending: nothing
    assert mail.outbox == []
    factories.pay(sale)
    mail.outbox = []
    # Once it is paid, it is.
    assert send_order_confirmation(sale_id=sale.pk) == 1
    assert mail.outbox[0].to == [member.email]
