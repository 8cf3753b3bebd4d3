"""Journal entries: balanced, equal to the documents per rate, vouchers apart."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from comptoir.accounting.plan import DEFAULTS, plan_of
from comptoir.accounting.services import period_entries, save_account_plan
from comptoir.invoicing.models import InvoiceTaxLine

pytestmark = pytest.mark.django_db


def entries_of(book):
    return list(period_entries(park=book.park, date_from=book.start, date_to=book.end))


def sales(entries):
    return [e for e in entries if e.journal.number == "VE"]


def balances(entries) -> dict[str, Decimal]:
    """Debit − credit per account number."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        for line in entry.lines:
            totals[line.account.number] += line.debit - line.credit
    return totals


def test_every_entry_balances_and_is_not_empty(book):
    entries = entries_of(book)
    assert entries
    for entry in entries:
        assert entry.debit == entry.credit > 0, entry.label
        assert all(line.debit >= 0 and line.credit >= 0 for line in entry.lines)
        assert all(bool(line.debit) != bool(line.credit) for line in entry.lines)


def test_one_sales_entry_per_document_and_one_treasury_entry_per_payment(book):
    entries = entries_of(book)
    sales = [e for e in entries if e.journal.number == "VE"]
    treasury = [e for e in entries if e.journal.number == "BQ"]
    assert sorted(e.piece_ref for e in sales) == sorted(
        book.documents.values_list("number", flat=True)
    )
    # Five invoiced sales paid once, one refund; the walk-in sale is not
    # in the customer ledger.
    assert len(treasury) == 6
    assert book.walk_in.number not in " ".join(e.label for e in entries)
    refund = next(e for e in treasury if e.label.startswith("Remboursement"))
    assert refund.piece_ref.startswith("AV-")
    assert refund.lines[0].account.number == "41100000"
    assert refund.lines[0].debit == Decimal("30.00")
    assert refund.lines[1].account.number == "51200000"


def test_totals_per_account_equal_the_documents_totals_per_rate(book):
    totals = balances(entries_of(book))
    plan = plan_of(book.park.pk)
    tax = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in InvoiceTaxLine.objects.filter(invoice__park=book.park).select_related(
        "invoice"
    ):
        sign = line.invoice.sign
        tax[line.vat_rate][0] += sign * line.base
        tax[line.vat_rate][1] += sign * line.vat
    for rate, (base, vat) in tax.items():
        if rate is None:
            continue
        assert -totals[plan.vat(rate).number] == vat
        revenue = sum(
            -amount
            for number, amount in totals.items()
            if number
            in {
                plan.revenue(kind, rate).number
                for kind in ("ticket", "booking", "merchandise", "food_drink")
            }
        )
        assert revenue == base, rate
    # The product note's sale: 25.00 + 5.00 at 20 %, 18.18 + 1.82 at 10 %.
    seed = next(
        e
        for e in entries_of(book)
        if book.seed.number in e.label
        or (e.piece_ref == book.seed.invoices.get().number)
    )
    amounts = {line.account.number: line.credit for line in seed.lines if line.credit}
    assert amounts == {
        "70612000": Decimal("25.00"),
        "44571200": Decimal("5.00"),
        "70721000": Decimal("18.18"),
        "44571100": Decimal("1.82"),
    }
    assert seed.lines[0].debit == Decimal("50.00")


def test_vouchers_are_customer_advances_never_revenue(book):
    entries = entries_of(book)
    voucher_doc = book.vouchers.invoices.get()
    [entry] = [e for e in sales(entries) if e.piece_ref == voucher_doc.number]
    credits = {line.account.number: line.credit for line in entry.lines if line.credit}
    assert credits == {"41910000": Decimal("170.00")}
    assert not any(number.startswith("7") for number in credits)
    # Spent on a taxable sale: the advance is used up, the revenue comes from
    # that sale's own invoice.
    spent = [e for e in entries if book.spent.number in e.label]
    assert [(ln.account.number, ln.debit) for ln in spent[0].lines if ln.debit] == [
        ("41910000", Decimal("50.00"))
    ]
    totals = balances(entries)
    assert totals["41910000"] == Decimal("-120.00")  # 170 sold, 50 spent
    revenue = sum(-v for k, v in totals.items() if k.startswith("7"))
    taxable_base = sum(
        d.sign * d.total_excl for d in book.documents if d.scope == "taxable"
    )
    assert revenue == taxable_base


def test_credit_notes_mirror_their_invoice(book):
    entries = entries_of(book)
    note = book.refunded.invoices.get(kind="credit_note")
    [entry] = [e for e in sales(entries) if e.piece_ref == note.number]
    customer = entry.lines[0]
    assert customer.account.number == "41100000"
    assert customer.credit == note.total_incl == Decimal("30.00")
    assert {ln.account.number: ln.debit for ln in entry.lines if ln.debit} == {
        "70612000": Decimal("25.00"),
        "44571200": Decimal("5.00"),
    }


def test_customers_carry_their_third_party_code_or_the_general_account(book):
    entries = entries_of(book)
    coded = next(e for e in entries if e.piece_ref == book.seed.invoices.get().number)
    assert (coded.lines[0].aux_number, coded.lines[0].aux_label) == (
        "491123456",
        "BAYCORP INC",
    )
    uncoded = next(
        e for e in entries if e.piece_ref == book.other.invoices.get().number
    )
    assert uncoded.lines[0].account.number == "41100000"
    assert uncoded.lines[0].aux_number == ""


def test_entries_are_in_date_order_sales_before_treasury(book):
    entries = entries_of(book)
    keys = [(e.date, e.journal.number != "VE") for e in entries]
    assert keys == sorted(keys)


def test_the_managers_plan_is_used(book, manager):
    save_account_plan(
        park=book.park,
        accounts={
            "revenue:ticket:20.00": ("706000", "Entrées"),
            "journal:sales": ("VT", "Ventes"),
        },
        actor=manager,
    )
    entries = entries_of(book)
    seed = next(e for e in entries if e.piece_ref == book.seed.invoices.get().number)
    assert seed.journal.number == "VT"
    assert "706000" in {line.account.number for line in seed.lines}
    # Set back to the default, the row goes and the default applies again.
    save_account_plan(
        park=book.park,
        accounts={"revenue:ticket:20.00": DEFAULTS["revenue:ticket:20.00"]},
        actor=manager,
    )
    assert plan_of(book.park.pk).revenue("ticket", Decimal("20")).number == "70612000"
