"""The confirmation page says whether the invoice is ready or will be issued
by the park, and belongs to the buyer only."""

import pytest
from django.test import Client as HttpClient

from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Sale
from tests import factories
from tests.shop.fixtures import add_to_cart, pay_on_simulator, shop, signed_in

pytestmark = pytest.mark.django_db


def test_ready_invoice_is_linked(organization, products, as_member):
    add_to_cart(as_member, organization, products["ticket"])
    add_to_cart(as_member, organization, products["voucher"])
    page = as_member.get(pay_on_simulator(as_member, organization)["Location"])
    html = page.content.decode()
    # Taxable items and a multi-purpose voucher: one invoice per VAT scope.
    invoices = Invoice.objects.order_by("pk")
    assert invoices.count() == 2
    assert "Votre facture est prête." in html
    for invoice in invoices:
        assert invoice.number in html
        assert str(invoice.public_id) in html
    assert "Vos billets" in html and "Vos bons cadeaux" in html


def test_member_without_online_invoices_can_ask_the_park_for_it(
    organization, park, products
):
    group = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[group], with_account=True)
    http = signed_in(client.user)
    add_to_cart(http, organization, products["ticket"])
    html = http.get(pay_on_simulator(http, organization)["Location"]).content.decode()
    sale = Sale.objects.get()
    assert "simple demande" not in html
    assert f'action="/{organization.slug}/espace-membre/factures/demander/' in html
    assert str(sale.public_id) in html
    assert "Demander une facture" in html
    assert not Invoice.objects.exists()


def test_a_pending_payment_page_refreshes_itself(organization, products, as_member):
    add_to_cart(as_member, organization, products["ticket"])
    as_member.post(shop(organization, "checkout"), {"action": "pay"})
    sale = Sale.objects.get()
    html = as_member.get(
        shop(organization, "confirmation", sale_id=sale.public_id)
    ).content.decode()
    assert "Paiement en cours de confirmation" in html
    assert 'http-equiv="refresh"' in html


def test_someone_elses_confirmation_is_a_404(
    organization, park, group, products, as_member
):
    add_to_cart(as_member, organization, products["ticket"])
    url = pay_on_simulator(as_member, organization)["Location"]
    stranger = factories.client(park, groups=[group], with_account=True)
    assert signed_in(stranger.user).get(url).status_code == 404
    assert HttpClient().get(url).status_code == 404
