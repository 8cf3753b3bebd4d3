"""The simulated card provider: pay, refuse or give up, like a real PSP."""

from decimal import Decimal

import pytest

from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Payment, PaymentMethod, Sale, SaleStatus, Ticket
from tests.shop.fixtures import add_to_cart, cart_lines, pay_on_simulator, shop

pytestmark = pytest.mark.django_db


def _basket(http, organization, products):
    add_to_cart(http, organization, products["ticket"])
    add_to_cart(http, organization, products["snack"])


def test_paying_records_the_payment_issues_the_invoice_and_empties_the_cart(
    organization, products, as_member, member
):
    _basket(as_member, organization, products)
    response = pay_on_simulator(as_member, organization, "pay")
    payment = Payment.objects.get()
    sale = payment.sale
    assert response["Location"].endswith(
        shop(organization, "confirmation", sale_id=sale.public_id)
    )
    assert (payment.provider, payment.method, payment.amount) == (
        "simulator",
        PaymentMethod.ONLINE_CARD,
        Decimal("50.00"),
    )
    assert payment.reference.startswith("sim_")
    assert sale.status == SaleStatus.PAID and sale.number.startswith("S-")
    invoice = Invoice.objects.get(sale=sale)
    assert (invoice.total_incl, invoice.total_excl) == (
        Decimal("50.00"),
        Decimal("43.18"),
    )
    assert Ticket.objects.filter(client=member).count() == 1

    page = as_member.get(response["Location"]).content.decode()
    assert sale.number in page
    assert "Votre facture est prête." in page
    assert f"/factures/{invoice.public_id}/telecharger/" in page
    assert cart_lines(as_member, organization) == []


def test_paying_twice_on_the_same_page_is_one_payment(
    organization, products, as_member
):
    _basket(as_member, organization, products)
    page = as_member.post(shop(organization, "checkout"), {"action": "pay"})["Location"]
    as_member.post(page, {"action": "pay"})
    as_member.post(page, {"action": "pay"})
    assert Payment.objects.count() == 1
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("refuse", "Le paiement a été refusé. Votre panier est conservé."),
        ("abandon", "Le paiement a été abandonné. Votre panier est conservé."),
    ],
)
def test_refusal_or_abandonment_keeps_the_cart(
    organization, products, as_member, action, message
):
    _basket(as_member, organization, products)
    before = cart_lines(as_member, organization)
    response = pay_on_simulator(as_member, organization, action)
    page = as_member.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0] == shop(organization, "cart")
    assert message in page.content.decode()
    assert cart_lines(as_member, organization) == before
    assert Sale.objects.get().status == SaleStatus.ABANDONED
    assert not Payment.objects.exists()
    assert not Invoice.objects.exists()


def test_after_a_refusal_the_member_can_pay_again(organization, products, as_member):
    _basket(as_member, organization, products)
    pay_on_simulator(as_member, organization, "refuse")
    pay_on_simulator(as_member, organization, "pay")
    first, second = Sale.objects.order_by("pk")
    assert (first.status, second.status) == (SaleStatus.ABANDONED, SaleStatus.PAID)
    assert Payment.objects.get().sale == second
    # Paid, even without coming back from the provider's page: the basket
    # is empty at the next page.
    as_member.get(shop(organization, "home"))
    assert cart_lines(as_member, organization) == []


def test_a_basket_paid_without_coming_back_is_emptied_before_the_next_addition(
    organization, products, as_member
):
    """The buyer closed the provider's page once paid: the next « Ajouter »
    starts a new basket instead of adding to the paid one."""
    _basket(as_member, organization, products)
    pay_on_simulator(as_member, organization, "pay")  # the answer is not followed
    assert len(cart_lines(as_member, organization)) == 2

    add_to_cart(as_member, organization, products["socks"])

    assert [line["product"] for line in cart_lines(as_member, organization)] == [
        products["socks"].pk
    ]
