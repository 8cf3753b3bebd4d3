"""Mail a customer expects: the order confirmation with its PDFs, invoices
and credit notes with the stored Factur-X attached, in the member's
language, from the platform with the park as Reply-To, absolute links."""

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_invoices
from comptoir.sales.models import PaymentMethod, Sale
from comptoir.sales.services import record_counter_sale, refund_sale
from tests import factories
from tests.backoffice.conftest import signed_in as staff_signed_in
from tests.factories import PASSWORD
from tests.scanning import scanned_codes
from tests.shop.fixtures import add_to_cart, members, pay_on_simulator

pytestmark = pytest.mark.django_db

SITE = "https://parc.example.com"
PARK_EMAIL = "accueil@parc.example.com"


@pytest.fixture(autouse=True)
def park_email(park):
    park.email = PARK_EMAIL
    park.save()


def _buy(http, organization, products, capture, *names):
    for name in names:
        add_to_cart(http, organization, products[name])
    with capture(execute=True):
        pay_on_simulator(http, organization)


def _attachments(message) -> dict[str, bytes]:
    return {name: content for name, content, _mime in message.attachments}


def _html(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def _stored_pdf(invoice: Invoice) -> bytes:
    invoice.refresh_from_db()
    with invoice.pdf.open("rb") as fh:
        return fh.read()


def _links(message) -> list[str]:
    text_links = re.findall(r"https?://\S+", message.body)
    html_links = re.findall(r'href="([^"]+)"', _html(message))
    return text_links + html_links


def test_the_order_confirmation_carries_the_summary_and_every_pdf(
    settings,
    organization,
    park,
    products,
    member,
    as_member,
    django_capture_on_commit_callbacks,
):
    _buy(
        as_member,
        organization,
        products,
        django_capture_on_commit_callbacks,
        "ticket",
        "snack",
        "voucher",
    )
    sale = Sale.objects.get()
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.reply_to == [PARK_EMAIL]
    assert message.subject == (
        f"Votre commande {sale.number} est confirmée — {park.name}"
    )
    for expected in (
        "1 × Entrée 1h : 30,00\xa0€",
        "1 × Formule goûter : 20,00\xa0€",
        "1 × Bon cadeau 150 € : 150,00\xa0€",
        "Total TTC : 200,00\xa0€",
    ):
        assert expected in message.body
    assert "Total TTC" in _html(message)
    files = _attachments(message)
    invoices = list(Invoice.objects.filter(sale=sale).order_by("sequence"))
    assert len(invoices) == 2  # taxable items, and the gift voucher apart
    assert set(files) == {
        f"billets-{sale.number}.pdf",
        f"bons-cadeaux-{sale.number}.pdf",
        *(f"{i.number}.pdf" for i in invoices),
    }
    tickets = PdfReader(io.BytesIO(files[f"billets-{sale.number}.pdf"]))
    code = sale.lines.get(product=products["ticket"]).tickets.get().code
    assert code in tickets.pages[0].extract_text()
    # The page's QR code scans as the ticket's code; the voucher's as its own.
    assert scanned_codes(files[f"billets-{sale.number}.pdf"]) == [[code]]
    voucher = sale.lines.get(product=products["voucher"]).gift_vouchers.get()
    assert scanned_codes(files[f"bons-cadeaux-{sale.number}.pdf"]) == [[voucher.code]]


def test_the_invoice_attached_is_the_stored_facturx(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    _buy(
        as_member,
        organization,
        products,
        django_capture_on_commit_callbacks,
        "ticket",
    )
    invoice = Invoice.objects.get()
    attached = _attachments(mail.outbox[0])[f"{invoice.number}.pdf"]
    assert attached == _stored_pdf(invoice)
    assert "factur-x.xml" in PdfReader(io.BytesIO(attached)).attachments


def test_a_booking_is_confirmed_with_its_slot_and_its_pdf(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from tests.shop.fixtures import cart_lines, shop

    add_to_cart(as_member, organization, products["laser"], 2)
    line = cart_lines(as_member, organization)[0]
    day = timezone.localdate() + dt.timedelta(days=3)
    as_member.post(
        shop(organization, "cart_slot"),
        {
            "line": line["id"],
            f"slot-{line['id']}-line": line["id"],
            f"slot-{line['id']}-day": day.isoformat(),
            f"slot-{line['id']}-time": "14:00",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay_on_simulator(as_member, organization)
    sale = Sale.objects.get()
    (message,) = mail.outbox
    assert f"(le {day:%d/%m/%Y} 14:00)" in message.body
    assert f"reservations-{sale.number}.pdf" in _attachments(message)


def test_an_english_speaking_member_gets_its_mails_in_english(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    member.language = "en"
    member.save()
    _buy(
        as_member,
        organization,
        products,
        django_capture_on_commit_callbacks,
        "ticket",
    )
    sale = Sale.objects.get()
    (message,) = mail.outbox
    assert message.subject.startswith(f"Your order {sale.number} is confirmed")
    assert f"Hello {member.first_name}," in message.body
    assert "Total incl. VAT: €30.00" in message.body
    assert message.extra_headers["Content-Language"] == "en"
    assert '<html lang="en">' in _html(message)
    assert f"tickets-{sale.number}.pdf" in _attachments(message)


@override_settings(SITE_URL=SITE)
def test_every_link_is_absolute_on_the_configured_site(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    _buy(
        as_member,
        organization,
        products,
        django_capture_on_commit_callbacks,
        "ticket",
    )
    invoice = Invoice.objects.get()
    links = _links(mail.outbox[0])
    assert links
    assert all(link.startswith(SITE + "/") for link in links), links
    assert (
        SITE + members(organization, "invoice_download", public_id=invoice.public_id)
        in links
    )
    assert not any("localhost" in link or "127.0.0.1" in link for link in links)


def test_an_invoice_issued_later_is_mailed_with_its_pdf(
    organization, park, products, member, cashier, django_capture_on_commit_callbacks
):
    sale = record_counter_sale(
        park=park,
        client=member,
        items=factories.basket(products, ("ticket", 1)),
        method=PaymentMethod.CARD,
        cashier=cashier,
    )
    assert mail.outbox == []  # a counter sale gets its receipt, not a mail
    with django_capture_on_commit_callbacks(execute=True):
        (invoice,) = issue_invoices(sale=sale, issued_by=cashier)
    (message,) = mail.outbox
    assert message.subject.startswith(f"Votre facture {invoice.number} est disponible")
    assert message.reply_to == [PARK_EMAIL]
    assert _attachments(message) == {f"{invoice.number}.pdf": _stored_pdf(invoice)}
    assert "rubrique « Vos factures »" in message.body


def test_a_credit_note_is_mailed_with_its_pdf(
    organization, park, products, member, cashier, django_capture_on_commit_callbacks
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (note,) = refund_sale(
            sale=sale,
            quantities={sale.lines.get().pk: 1},
            method=PaymentMethod.CARD,
            actor=cashier,
            reason="Annulation",
        )
    (message,) = mail.outbox
    assert message.subject.startswith(f"Votre avoir {note.number} est disponible")
    assert f"Avoir {note.number}" in message.body
    assert note.total_incl == Decimal("30.00")
    assert _attachments(message) == {f"{note.number}.pdf": _stored_pdf(note)}


def test_nothing_is_mailed_about_invoices_when_online_invoices_are_off(
    organization, park, products, cashier, django_capture_on_commit_callbacks
):
    group = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[group], with_account=True)
    sale = record_counter_sale(
        park=park,
        client=client,
        items=factories.basket(products, ("ticket", 2)),
        method=PaymentMethod.CARD,
        cashier=cashier,
    )
    with django_capture_on_commit_callbacks(execute=True):
        issue_invoices(sale=sale, issued_by=cashier)
        refund_sale(
            sale=sale,
            quantities=None,
            method=PaymentMethod.CARD,
            actor=cashier,
            reason="Annulation",
        )
    assert Invoice.objects.filter(sale=sale).count() == 2
    assert mail.outbox == []


def test_the_back_office_resends_the_invoice(
    organization, park, products, member, cashier, django_capture_on_commit_callbacks
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    mail.outbox.clear()
    http = staff_signed_in(cashier)
    page = http.get(reverse("backoffice:sale", args=[sale.public_id]))
    assert "Renvoyer la facture" in page.content.decode()
    response = http.post(
        reverse("backoffice:document_resend", args=[invoice.public_id]), follow=True
    )
    assert f"{invoice.number} renvoyé à {member.email}." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Comme demandé" in message.body
    assert _attachments(message) == {f"{invoice.number}.pdf": _stored_pdf(invoice)}


def test_resending_to_a_client_without_email_says_so(
    organization, park, products, cashier
):
    client = factories.client(park, email="")
    sale = record_counter_sale(
        park=park,
        client=client,
        items=factories.basket(products, ("ticket", 1)),
        method=PaymentMethod.CARD,
        cashier=cashier,
    )
    (invoice,) = issue_invoices(sale=sale, issued_by=cashier)
    response = staff_signed_in(cashier).post(
        reverse("backoffice:document_resend", args=[invoice.public_id]), follow=True
    )
    assert "pas d'adresse email" in unescape(response.content.decode())
    assert mail.outbox == []


def test_a_document_link_opened_logged_out_leads_back_after_login(
    organization, park, products, member
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    link = members(organization, "invoice_download", public_id=invoice.public_id)
    http = HttpClient()
    response = http.get(link)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(members(organization, "login") + "?next=")
    page = http.get(login)
    assert page.status_code == 200
    assert "Page introuvable" not in page.content.decode()
    response = http.post(
        login, {"email": member.email, "password": PASSWORD, "next": link}
    )
    assert response.status_code == 302
    assert response["Location"] == link
    pdf = http.get(link)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_logging_in_remembers_the_members_language(organization, member):
    http = HttpClient(headers={"accept-language": "en"})
    http.post(
        members(organization, "login"),
        {"email": member.email, "password": PASSWORD},
    )
    member.refresh_from_db()
    assert member.language == "en"


def test_a_mail_to_a_member_without_a_language_is_in_french(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    assert member.language == ""
    _buy(
        as_member,
        organization,
        products,
        django_capture_on_commit_callbacks,
        "ticket",
    )
    assert mail.outbox[0].subject.startswith("Votre commande")


def test_a_retried_payment_notification_sends_no_second_confirmation(
    park, products, member, django_capture_on_commit_callbacks
):
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    with django_capture_on_commit_callbacks(execute=True):
        factories.pay(sale, reference="psp-42")
    with django_capture_on_commit_callbacks(execute=True):
        factories.pay(sale, reference="psp-42")
    assert len(mail.outbox) == 1


def test_a_member_back_to_french_is_remembered_in_french(organization, member):
    member.language = "en"
    member.save()
    HttpClient(headers={"accept-language": "fr"}).post(
        members(organization, "login"),
        {"email": member.email, "password": PASSWORD},
    )
    member.refresh_from_db()
    assert member.language == "fr"


DB_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


# The worker closes its database connection between tasks: on PostgreSQL
# that ends a test transaction, so this test commits for real.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_the_task_worker_sends_the_mail_not_the_request(
    organization, products, member, as_member
):
    add_to_cart(as_member, organization, products["ticket"])
    pay_on_simulator(as_member, organization)
    assert mail.outbox == []  # the payment only queued it
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert f"{Invoice.objects.get().number}.pdf" in _attachments(message)


def test_names_are_not_html_escaped_in_the_subject_and_text(
    park, products, member, as_member, organization, django_capture_on_commit_callbacks
):
    park.name = "Jump & Fun"
    park.save()
    _buy(
        as_member,
        organization,
        products,
        django_capture_on_commit_callbacks,
        "ticket",
    )
    (message,) = mail.outbox
    assert message.subject.endswith("— Jump & Fun")
    assert "L'équipe Jump & Fun" in message.body
    assert "Jump &amp; Fun" in _html(message)
