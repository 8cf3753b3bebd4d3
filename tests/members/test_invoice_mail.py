"""When an invoice is issued to a member, a French mail points to « Vos factures »."""

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


def test_paying_online_mails_the_invoice_link(
    organization, products, member, as_member, django_capture_on_commit_callbacks
):
    add_to_cart(as_member, organization, products["ticket"])
    add_to_cart(as_member, organization, products["snack"])
    with django_capture_on_commit_callbacks(execute=True):
        pay_on_simulator(as_member, organization)
    invoice = Invoice.objects.get()
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject.startswith(f"Votre facture {invoice.number} est disponible")
    assert f"Bonjour {member.first_name}," in message.body
    assert "rubrique « Vos factures »" in message.body
    link = settings.SITE_URL.rstrip("/") + members(organization, "invoices")
    assert link in message.body
    # The link opens the list with that invoice in it.
    page = text(as_member.get(members(organization, "invoices")))
    assert invoice.number in page
    invoice.refresh_from_db()
    assert invoice.rendered_at is not None  # the render task ran as well


def test_no_mail_when_no_invoice_is_issued(
    organization, park, products, django_capture_on_commit_callbacks
):
    group = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[group], with_account=True)
    http = signed_in(client.user)
    add_to_cart(http, organization, products["ticket"])
    with django_capture_on_commit_callbacks(execute=True):
        pay_on_simulator(http, organization)
    assert mail.outbox == []
    assert not Invoice.objects.exists()
