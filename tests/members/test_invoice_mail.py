"""Paying online mails one order confirmation carrying the invoice; a member
whose groups have online invoices off is never mailed an invoice."""

import pytest
from django.conf import settings
from django.core import mail

from comptoir.invoicing.models import Invoice
from tests import factories
from tests.shop.fixtures import (
    add_to_cart,
    members,
    pay_on_simulator,
    signed_in,
    text,
)

pytestmark = pytest.mark.django_db


def test_paying_online_mails_the_confirmation_with_the_invoice_link(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    add_to_cart(as_member, organization, products["ticket"])
    add_to_cart(as_member, organization, products["snack"])
    with django_capture_on_commit_callbacks(execute=True):
        pay_on_simulator(as_member, organization)
    invoice = Invoice.objects.get()
    (message,) = mail.outbox  # one mail, not a confirmation and an invoice mail
    assert message.to == [member.email]
    assert message.subject.startswith(f"Votre commande {invoice.sale_number}")
    assert f"Bonjour {member.first_name}," in message.body
    link = settings.SITE_URL.rstrip("/") + members(
        organization, "invoice_download", public_id=invoice.public_id
    )
    assert link in message.body
    assert f"{invoice.number}.pdf" in [name for name, *_ in message.attachments]
    # The link opens the list with that invoice in it.
    page = text(as_member.get(members(organization, "invoices")))
    assert invoice.number in page
    invoice.refresh_from_db()
    assert invoice.rendered_at is not None  # the render task ran as well


def test_no_invoice_is_mailed_when_online_invoices_are_off(
    organization, park, products, django_capture_on_commit_callbacks
):
    group = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[group], with_account=True)
    http = signed_in(client.user)
    add_to_cart(http, organization, products["ticket"])
    with django_capture_on_commit_callbacks(execute=True):
        pay_on_simulator(http, organization)
    assert not Invoice.objects.exists()
    # The order is confirmed, with its ticket, but no invoice nor link to one.
    (message,) = mail.outbox
    assert message.subject.startswith("Votre commande ")
    names = [name for name, *_ in message.attachments]
    assert names == [f"billets-{client.sales.get().number}.pdf"]
    assert "Facture" not in message.body
    assert "factures" not in message.body
