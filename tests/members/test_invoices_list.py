"""« Vos factures »: every document of the client, online or at the counter,
credit notes marked, the seed's columns, newest sale number first, paginated."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services import issue_invoices
from comptoir.sales.models import PaymentMethod
from comptoir.sales.services import Item, record_counter_sale, refund_sale
from tests import factories
from tests.shop.fixtures import members, signed_in, text

pytestmark = pytest.mark.django_db


def _rows(page: str) -> list[str]:
    body = page.split('data-testid="invoices"')[1].split("</tbody>")[0]
    return body.split('data-testid="invoice-row"')[1:]


def test_the_seeds_columns_and_formats(organization, park, products, member, as_member):
    issued = dt.datetime(2024, 3, 5, 17, 23, tzinfo=dt.UTC)  # 18:23 in Paris
    with mock.patch(
        "comptoir.invoicing.services.issue.issue_clock", return_value=issued
    ):
        sale = factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        )
    invoice = Invoice.objects.get(sale=sale)
    page = text(as_member.get(members(organization, "invoices")))
    for column in (
        "Numéro de Facture",
        "Date d'émission",
        "Vente no",
        "Date de vente",
        "Montant",
        "Montant HT",
        "Télécharger",
    ):
        assert f">{column}<" in page or f">{column} <" in page
    (row,) = _rows(page)
    assert invoice.number in row
    assert "05/03/2024 18:23" in row
    assert sale.number in row
    assert sale.sale_date.strftime("%d/%m/%Y") in row
    assert "50,00\xa0€" in row and "43,18\xa0€" in row
    assert f"/factures/{invoice.public_id}/telecharger/" in row


def test_the_issue_time_is_read_in_the_parks_time_zone(organization, products, group):
    park = factories.park(organization, time_zone="America/Martinique")
    client = factories.client(park, groups=[group], with_account=True)
    issued = dt.datetime(2024, 3, 5, 17, 23, tzinfo=dt.UTC)
    with mock.patch(
        "comptoir.invoicing.services.issue.issue_clock", return_value=issued
    ):
        item = factories.products(park)["ticket"]
        factories.paid_online_sale(park, client, [Item(item, 1)])
    page = text(signed_in(client.user).get(members(organization, "invoices")))
    assert "05/03/2024 13:23" in page


def test_counter_invoices_and_credit_notes_are_listed(
    organization, park, products, member, as_member, cashier
):
    counter = record_counter_sale(
        park=park,
        client=member,
        items=factories.basket(products, ("socks", 2)),
        method=PaymentMethod.CARD,
        cashier=cashier,
    )
    (counter_invoice,) = issue_invoices(sale=counter, issued_by=cashier)
    online = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    snack_line = online.lines.get(description="Formule goûter")
    (note,) = refund_sale(
        sale=online,
        quantities={snack_line.pk: 1},
        method=PaymentMethod.CARD,
        actor=cashier,
        reason="Goûter non servi",
    )
    page = text(as_member.get(members(organization, "invoices")))
    rows = _rows(page)
    assert len(rows) == 3
    (credit_row,) = [r for r in rows if note.number in r]
    assert "Avoir" in credit_row
    assert "-20,00\xa0€" in credit_row and "-18,18\xa0€" in credit_row
    assert any(counter_invoice.number in r and "7,00\xa0€" in r for r in rows)


def test_newest_sale_number_first_and_paginated(
    organization, park, products, member, as_member
):
    sales = [
        factories.paid_online_sale(
            park, member, factories.basket(products, ("socks", 1))
        )
        for _ in range(23)
    ]
    numbers = sorted((s.number for s in sales), reverse=True)
    first = _rows(text(as_member.get(members(organization, "invoices"))))
    assert len(first) == 20
    assert [next(n for n in numbers if n in row) for row in first] == numbers[:20]
    second_page = text(as_member.get(members(organization, "invoices") + "?page=2"))
    second = _rows(second_page)
    assert len(second) == 3
    assert numbers[-1] in second[-1]
    assert "Page 2 sur 2" in second_page


def test_another_clients_invoices_never_show(
    organization, park, group, products, member, as_member
):
    stranger = factories.client(park, groups=[group], with_account=True)
    sale = factories.paid_online_sale(
        park, stranger, factories.basket(products, ("ticket", 1))
    )
    page = text(as_member.get(members(organization, "invoices")))
    assert Invoice.objects.get(sale=sale).number not in page
    assert "Vous n'avez pas encore de facture." in page


def test_a_member_leaving_the_eligible_group_loses_the_page(
    organization, group, member, as_member
):
    assert as_member.get(members(organization, "invoices")).status_code == 200
    group.online_invoices = False
    group.save()
    assert as_member.get(members(organization, "invoices")).status_code == 404
    assert "Vos factures" not in text(as_member.get(members(organization, "home")))


def test_amounts_are_those_of_the_invoice_not_of_the_sale(
    organization, park, products, member, as_member
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1), ("ticket", 1))
    )
    rows = _rows(text(as_member.get(members(organization, "invoices"))))
    # One invoice per VAT scope, each with its own amounts.
    assert len(rows) == 2
    totals = sorted(
        Invoice.objects.filter(sale=sale).values_list("total_incl", flat=True)
    )
    assert totals == [Decimal("30.00"), Decimal("150.00")]
    assert any("150,00\xa0€" in r for r in rows)
    assert any("25,00\xa0€" in r for r in rows)
