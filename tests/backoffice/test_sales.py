"""Sales: filters, the detail page, invoicing by hand, refunds, PDFs."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core.audit import history
from comptoir.invoicing.models import DocumentKind
from comptoir.sales.services import record_counter_sale
from tests import factories

pytestmark = pytest.mark.django_db

SALES = reverse("backoffice:sales")


def sale_url(sale, name="backoffice:sale"):
    return reverse(name, kwargs={"public_id": sale.public_id})


def counter_sale(park, client, products, cashier, *items):
    return record_counter_sale(
        park=park,
        client=client,
        items=factories.basket(products, *items),
        method="card",
        cashier=cashier,
    )


def listed(http, **params) -> str:
    return http.get(SALES, params).content.decode().split("<tbody>")[1]


def test_filters_by_channel_and_invoice(as_cashier, cashier, park, member, products):
    online = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    counter = counter_sale(park, member, products, cashier, ("snack", 1))
    assert online.invoices.exists() and not counter.invoices.exists()

    assert counter.number in listed(as_cashier, channel="counter")
    assert online.number not in listed(as_cashier, channel="counter")
    assert online.number in listed(as_cashier, invoice="with")
    assert counter.number not in listed(as_cashier, invoice="with")
    assert counter.number in listed(as_cashier, invoice="without")
    assert online.number not in listed(as_cashier, invoice="without")


def test_filters_by_period_park_and_client(
    as_cashier, cashier, organization, park, member, products
):
    old = counter_sale(park, None, products, cashier, ("ticket", 1))
    old.sale_date = dt.date(2024, 1, 5)
    old.save(update_fields=["sale_date"])
    recent = counter_sale(park, member, products, cashier, ("ticket", 1))
    second_park = factories.park(organization)
    elsewhere = counter_sale(
        second_park, None, factories.products(second_park), cashier, ("ticket", 1)
    )

    in_january = listed(as_cashier, start="2024-01-01", end="2024-01-31")
    assert old.number in in_january and recent.number not in in_january
    at_park = listed(as_cashier, park=second_park.pk)
    assert elsewhere.number in at_park and recent.number not in at_park
    by_client = listed(as_cashier, client="baycorp")
    assert recent.number in by_client and old.number not in by_client
    by_number = listed(as_cashier, client=old.number)
    assert old.number in by_number and recent.number not in by_number


def test_a_reversed_period_is_refused_in_french(as_cashier, park):
    content = as_cashier.get(SALES, {"start": "2024-02-01", "end": "2024-01-01"})
    assert "La fin de la période précède son début." in content.content.decode()


def test_the_detail_shows_lines_payments_and_invoice_status(
    as_cashier, cashier, park, member, products
):
    sale = counter_sale(park, member, products, cashier, ("ticket", 2), ("snack", 1))
    content = as_cashier.get(sale_url(sale)).content.decode()
    assert "Entrée 1h" in content and "Formule goûter" in content
    assert "Carte bancaire" in content
    assert "80,00" in content
    assert "Sans facture" in content
    assert "Générer la facture" in content
    assert "Vente au comptoir" in content  # history


def test_generating_the_invoice_by_hand_is_audited(
    as_cashier, cashier, park, member, products
):
    sale = counter_sale(park, member, products, cashier, ("ticket", 1))
    response = as_cashier.post(
        sale_url(sale, "backoffice:sale_issue_invoice"), follow=True
    )
    invoice = sale.invoices.get()
    assert invoice.issued_by == cashier
    assert history(invoice).get(action="invoicing.invoice.issued").actor == cashier
    content = response.content.decode()
    assert f"Facture {invoice.number} générée." in content
    assert f"Facture {invoice.number} émise" in content  # on the sale's history
    assert "Générer la facture</button>" not in content


def test_an_incomplete_record_gets_the_missing_fields_not_an_invoice(
    as_cashier, cashier, park, incomplete_member, products
):
    sale = counter_sale(park, incomplete_member, products, cashier, ("ticket", 1))
    page = as_cashier.get(sale_url(sale)).content.decode()
    assert "Pour générer la facture, complétez la fiche client" in page
    response = as_cashier.post(
        sale_url(sale, "backoffice:sale_issue_invoice"), follow=True
    )
    assert not sale.invoices.exists()
    assert (
        "incomplète. Champs manquants : Raison sociale, Adresse, Code postal, Ville"
        in response.content.decode()
    )


def test_a_sale_without_client_cannot_be_invoiced(as_cashier, cashier, park, products):
    sale = counter_sale(park, None, products, cashier, ("ticket", 1))
    response = as_cashier.post(
        sale_url(sale, "backoffice:sale_issue_invoice"), follow=True
    )
    assert not sale.invoices.exists()
    assert "Cette vente n&#x27;a pas de client" in response.content.decode()


def test_a_partial_refund_issues_a_credit_note(
    as_manager, manager, park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2), ("snack", 1))
    )
    invoice = sale.invoices.get()
    ticket_line = sale.lines.get(product=products["ticket"])
    response = as_manager.post(
        sale_url(sale, "backoffice:sale_refund"),
        {
            "reference": "f" * 32,
            "method": "online_card",
            "reason": "Séance annulée",
            f"line_{ticket_line.pk}": "1",
        },
        follow=True,
    )
    note = invoice.credit_notes.get()
    assert note.kind == DocumentKind.CREDIT_NOTE
    assert note.total_incl == Decimal("30.00")
    assert note.issued_by == manager
    ticket_line.refresh_from_db()
    assert ticket_line.refunded_quantity == 1
    assert sale.payments.filter(amount=Decimal("-30.00")).exists()
    content = response.content.decode()
    assert f"avoir {note.number} émis" in content
    assert f"Avoir {note.number} émis sur la facture {invoice.number}" in content
    # the same form sent again changes nothing
    as_manager.post(
        sale_url(sale, "backoffice:sale_refund"),
        {
            "reference": "f" * 32,
            "method": "online_card",
            "reason": "x",
            f"line_{ticket_line.pk}": "1",
        },
    )
    assert invoice.credit_notes.count() == 1


def test_a_full_refund_cancels_the_invoice(as_manager, park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 2))
    )
    as_manager.post(
        sale_url(sale, "backoffice:sale_refund"),
        {
            "reference": "e" * 32,
            "method": "online_card",
            "reason": "Annulation",
            "everything": "1",
        },
    )
    note = sale.invoices.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.is_full_credit
    assert note.total_incl == Decimal("70.00")
    content = as_manager.get(sale_url(sale)).content.decode()
    assert "Facture annulée par avoir" in content


def test_refunding_more_than_sold_is_refused(as_manager, park, member, products):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    line = sale.lines.get()
    response = as_manager.post(
        sale_url(sale, "backoffice:sale_refund"),
        {
            "reference": "d" * 32,
            "method": "cash",
            "reason": "x",
            f"line_{line.pk}": "3",
        },
    )
    assert response.status_code == 200
    assert "inférieure ou égale à 1" in response.content.decode()
    assert not sale.invoices.filter(kind=DocumentKind.CREDIT_NOTE).exists()


def test_both_pdfs_download_with_their_number(
    as_cashier, as_manager, park, member, products
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    as_manager.post(
        sale_url(sale, "backoffice:sale_refund"),
        {"reference": "c" * 32, "method": "cash", "reason": "x", "everything": "1"},
    )
    for document in sale.invoices.all():
        response = as_cashier.get(
            reverse("backoffice:document_pdf", kwargs={"public_id": document.public_id})
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="{document.number}.pdf"'
        )
        assert response.content.startswith(b"%PDF")
