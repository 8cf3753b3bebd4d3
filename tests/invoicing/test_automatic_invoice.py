"""The product note's rule: paying online issues the invoice, if the record allows."""

from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue as issue_module
from comptoir.sales.models import Channel, Payment, SaleStatus
from comptoir.sales.services import Item, create_sale, record_payment
from tests import factories

pytestmark = pytest.mark.django_db


def test_eligible_complete_client_paying_online_gets_its_invoice(
    park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    assert invoice.total_incl == Decimal("50.00") == sale.total_incl
    assert invoice.total_excl == Decimal("43.18")
    assert invoice.number.startswith(f"FA-{park.invoice_series}-")
    assert invoice.client == member
    assert not Alert.objects.filter(sale=sale).exists()


def test_client_in_no_group_with_online_invoices_gets_no_automatic_invoice(
    park, organization, products
):
    off = factories.group(organization, online_invoices=False)
    client = factories.client(park, groups=[off])
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    assert sale.status == SaleStatus.PAID
    assert not Invoice.objects.filter(sale=sale).exists()
    assert not Alert.objects.filter(sale=sale).exists()


def test_eligibility_is_each_clients_own_when_its_sale_is_paid(
    park, organization, group, member, products
):
    """Read with the sale when it is paid, not when the basket was made: a
    group switched on or off in between counts."""
    later = factories.group(organization, online_invoices=False)
    newcomer = factories.client(park, groups=[later])
    items = factories.basket(products, ("ticket", 1))
    baskets = [
        factories.online_sale(park, client, items) for client in (member, newcomer)
    ]
    group.online_invoices = False
    group.save()
    later.online_invoices = True
    later.save()

    member_sale, newcomer_sale = (factories.pay(sale).sale for sale in baskets)

    assert not Invoice.objects.filter(sale=member_sale).exists()
    assert Invoice.objects.get(sale=newcomer_sale).client == newcomer


def test_new_groups_have_online_invoices_off_by_default(organization):
    from comptoir.customers.models import CustomerGroup

    assert (
        CustomerGroup.objects.create(
            organization=organization, name="X"
        ).online_invoices
        is False
    )


def test_counter_sale_is_not_invoiced_automatically(park, member, products):
    sale = create_sale(
        park=park,
        client=member,
        channel=Channel.COUNTER,
        items=factories.basket(products, ("ticket", 1)),
    )
    factories.pay(sale)
    assert not Invoice.objects.filter(sale=sale).exists()


def test_incomplete_record_keeps_the_paid_sale_and_opens_one_alert_naming_fields(
    park, group, products
):
    client = factories.client(park, groups=[group], complete=False, city="SENS")
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )

    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID and sale.number
    assert Payment.objects.filter(sale=sale).count() == 1
    assert not Invoice.objects.filter(sale=sale).exists()
    alert = Alert.objects.get(sale=sale)
    assert alert.status == AlertStatus.OPEN
    assert alert.client == client
    assert alert.missing_fields == ["company_name", "address", "postcode"]
    assert "Raison sociale" in alert.message and sale.number in alert.message
    assert client.last_name in alert.message


def test_park_setting_adds_the_buyer_siren_to_the_required_fields(
    organization, group, products
):
    park = factories.park(organization, require_buyer_siren=True)
    products = factories.products(park)
    client = factories.client(park, groups=[group], siret="")
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    assert Alert.objects.get(sale=sale).missing_fields == ["siret"]


def test_any_failure_while_issuing_still_commits_payment_with_an_alert(
    park, member, products, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("stockage indisponible")

    monkeypatch.setattr(issue_module, "issue_invoice_document", broken)
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    assert sale.payments.count() == 1
    alert = Alert.objects.get(sale=sale)
    assert "stockage indisponible" in alert.message
    assert alert.missing_fields == []


def test_retried_payment_confirmation_changes_nothing(park, member, products):
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    kwargs = dict(
        provider="psp", reference="tx-42", amount=sale.total_incl, method="online_card"
    )
    first = record_payment(sale=sale, **kwargs)
    second = record_payment(sale=sale, **kwargs)
    assert first.created and not second.created
    assert second.payment.pk == first.payment.pk
    assert Payment.objects.filter(sale=sale).count() == 1
    assert Invoice.objects.filter(sale=sale).count() == 1
    sale.refresh_from_db()
    assert sale.number == first.sale.number


def test_payment_of_the_wrong_amount_is_refused_and_records_nothing(
    park, member, products
):
    from comptoir.sales.services import PaymentMismatch

    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    with pytest.raises(PaymentMismatch):
        record_payment(
            sale=sale,
            provider="psp",
            reference="x",
            amount=Decimal("1.00"),
            method="online_card",
        )
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PENDING and not sale.payments.exists()


def test_a_sale_mixing_a_voucher_and_tickets_gets_one_invoice_per_vat_scope(
    park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("voucher", 1))
    )
    invoices = {i.scope: i for i in Invoice.objects.filter(sale=sale)}
    assert set(invoices) == {"taxable", "out_of_scope"}
    assert invoices["out_of_scope"].total_incl == invoices["out_of_scope"].total_excl
    assert invoices["out_of_scope"].total_incl == Decimal("150.00")
    assert sum(i.total_incl for i in invoices.values()) == sale.total_incl
    for invoice in invoices.values():
        categories = {line["vat_category"] for line in invoice.snapshot["lines"]}
        assert len(categories) == 1


def test_paid_sale_creates_tickets_bookings_and_vouchers(park, member, products):
    sale = factories.paid_online_sale(
        park,
        member,
        [
            Item(products["ticket"], 2),
            Item(products["voucher"], 1),
            Item(products["laser"], 3),
        ],
    )
    assert sum(line.tickets.count() for line in sale.lines.all()) == 2
    voucher = member.gift_vouchers.get()
    assert voucher.balance == voucher.amount == Decimal("150.00")
    booking = member.bookings.get()
    assert booking.participants == 3


def test_each_automatic_invoice_has_its_issued_event_naming_it_and_its_sale(
    park, member, products
):
    """From a series' second invoice on, PostgreSQL writes the invoice and
    its audit event in one statement, the event naming the key the counter
    gave the invoice: each event must name its own invoice."""
    from comptoir.core.audit import history

    invoices = []
    for _ in range(3):
        sale = factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        )
        invoices.append(Invoice.objects.get(sale=sale))

    for invoice in invoices:
        event = history(invoice).get(action="invoicing.invoice.issued")
        assert event.data == {"number": invoice.number, "sale": invoice.sale_number}
        assert event.organization_id == invoice.organization_id
        assert invoice.tax_lines.count() == 2
    assert [i.sequence for i in invoices] == [1, 2, 3]


def test_the_invoice_names_the_payment_method_in_french_whatever_the_payers_language(
    park, member, products
):
    """The snapshot is the French invoice as issued: the notification of a
    customer browsing in English does not freeze an English label."""
    with translation.override("en"):
        sale = factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1))
        )
    invoice = Invoice.objects.get(sale=sale)
    assert [p["method_label"] for p in invoice.snapshot["payments"]] == [
        "Carte bancaire en ligne"
    ]
