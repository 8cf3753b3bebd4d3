"""Credit notes: the only way to correct an issued invoice."""

from decimal import Decimal

import pytest

from comptoir.invoicing.exceptions import NothingToCredit
from comptoir.invoicing.models import CreditNote, Invoice
from comptoir.invoicing.services import issue_credit_note, issue_invoices
from comptoir.sales.services import Item, refund_sale
from tests import factories

pytestmark = pytest.mark.django_db


def _invoiced(park, member, products, *items):
    sale = factories.paid_online_sale(park, member, factories.basket(products, *items))
    return sale, Invoice.objects.get(sale=sale)


def test_partial_refund_issues_a_credit_note_referencing_the_invoice(
    park, member, products, manager
):
    sale, invoice = _invoiced(park, member, products, ("ticket", 2), ("snack", 1))
    ticket_line = sale.lines.get(product=products["ticket"])
    [note] = refund_sale(
        sale=sale,
        quantities={ticket_line.pk: 1},
        method="card",
        actor=manager,
        reason="Client absent",
    )
    assert note.credited_invoice == invoice
    assert note.total_incl == Decimal("30.00")
    assert note.total_excl == Decimal("25.00")
    assert note.snapshot["document"]["cancels"]["number"] == invoice.number
    assert note.snapshot["document"]["type_code"] == "381"
    assert not note.is_full_credit
    assert sale.payments.filter(amount__lt=0).get().amount == Decimal("-30.00")
    ticket_line.refresh_from_db()
    assert ticket_line.net_quantity == 1


def test_full_refund_credits_the_whole_invoice(park, member, products, manager):
    sale, invoice = _invoiced(park, member, products, ("ticket", 1), ("snack", 1))
    [note] = refund_sale(
        sale=sale, quantities=None, method="card", actor=manager, reason=""
    )
    assert note.total_incl == invoice.total_incl
    assert note.total_excl == invoice.total_excl
    assert note.is_full_credit
    assert sale.refunded_amount == Decimal("50.00")


def test_successive_partial_credits_cancel_the_invoice_to_the_cent(
    park, member, products
):
    # 3 × 9.99 at 20 %: excl. 24.98; one by one each credit would round to 8.33.
    products["socks"].price_incl = Decimal("9.99")
    products["socks"].save()
    sale, invoice = _invoiced(park, member, products, ("socks", 3))
    line = sale.lines.get()
    notes = [
        issue_credit_note(invoice=invoice, quantities={line.pk: 1}, reason="r")
        for _ in range(3)
    ]
    assert sum(n.total_excl for n in notes) == invoice.total_excl
    assert sum(n.total_incl for n in notes) == invoice.total_incl
    assert [n.is_full_credit for n in notes] == [False, False, True]
    with pytest.raises(NothingToCredit):
        issue_credit_note(invoice=invoice, reason="again")


def test_full_credit_note_frees_the_sale_to_be_invoiced_again(
    park, member, products, manager
):
    sale, invoice = _invoiced(park, member, products, ("ticket", 1))
    member.company_name = "BAYCORP GROUP"
    member.save()
    issue_credit_note(
        invoice=invoice, reason="Raison sociale erronée", issued_by=manager
    )
    [again] = issue_invoices(sale=sale, issued_by=manager)
    assert again.generation == 2
    assert again.snapshot["buyer"]["company_name"] == "BAYCORP GROUP"
    invoice.refresh_from_db()
    assert invoice.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    assert CreditNote.objects.filter(sale=sale).count() == 1


def test_refund_of_a_sale_without_invoice_issues_no_credit_note(
    park, products, cashier
):
    from comptoir.sales.services import record_counter_sale

    sale = record_counter_sale(
        park=park,
        client=None,
        items=[Item(products["socks"], 2)],
        method="cash",
        cashier=cashier,
    )
    assert (
        refund_sale(sale=sale, quantities=None, method="cash", actor=cashier, reason="")
        == []
    )
    assert sale.refunded_amount == Decimal("7.00")
