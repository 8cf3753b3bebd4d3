"""Every counter sale prints an 80 mm till receipt; a reprint says DUPLICATA."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.lib.units import mm

from comptoir.core.audit import history
from comptoir.sales.models import Sale
from tests import factories

pytestmark = pytest.mark.django_db

COUNTER = reverse("backoffice:counter")


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def sale(as_cashier, products) -> Sale:
    as_cashier.post(
        COUNTER,
        {
            "reference": "0123456789abcdef0123456789abcdef",
            "method": "cash",
            "cash_received": "100",
            f"qty_{products['ticket'].pk}": "2",
            f"qty_{products['snack'].pk}": "1",
            "action": "pay",
        },
    )
    return Sale.objects.get(channel="counter")


def _print(http, sale):
    return http.post(reverse("backoffice:sale_receipt", args=[sale.public_id]))


def test_the_sale_page_offers_to_print_the_receipt(as_cashier, sale):
    page = as_cashier.get(reverse("backoffice:sale", args=[sale.public_id]))
    content = page.content.decode()
    assert reverse("backoffice:sale_receipt", args=[sale.public_id]) in content
    assert "Imprimer le ticket" in content
    assert "Monnaie rendue" in content and "20,00" in content


def test_the_first_print_is_an_80_mm_receipt_of_the_sale(as_cashier, sale, park):
    response = _print(as_cashier, sale)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert f"ticket-{sale.number}.pdf" in response["Content-Disposition"]
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert abs(float(page.mediabox.width) - 80 * mm) < 0.5
    text = _text(response.content)
    assert "DUPLICATA" not in text
    for expected in (
        park.name,
        park.siret,
        sale.number,
        "2 × Entrée 1h",
        "1 × Formule goûter",
        "TOTAL TTC",
        "80,00 €",
        "Espèces reçues",
        "100,00 €",
        "Monnaie rendue",
        "20,00 €",
        "20 %",
        "10 %",
    ):
        assert expected in text, expected
    sale.counter_receipt.refresh_from_db()
    assert sale.counter_receipt.print_count == 1


def test_printing_again_is_marked_duplicata_and_counted(as_cashier, sale):
    _print(as_cashier, sale)
    response = _print(as_cashier, sale)
    text = _text(response.content)
    assert "DUPLICATA" in text
    assert "Impression no 2" in text
    assert "duplicata" in response["Content-Disposition"]
    sale.counter_receipt.refresh_from_db()
    assert sale.counter_receipt.print_count == 2
    prints = [e for e in history(sale) if e.action == "sales.receipt.printed"]
    assert sorted(e.data["print_count"] for e in prints) == [1, 2]
    page = as_cashier.get(reverse("backoffice:sale", args=[sale.public_id]))
    content = page.content.decode()
    assert "Réimprimer (duplicata)" in content
    assert "Ticket de caisse imprimé" in content
    assert "Ticket de caisse réimprimé (duplicata no 2)" in content


def test_opening_the_receipt_address_prints_nothing(as_cashier, sale):
    url = reverse("backoffice:sale_receipt", args=[sale.public_id])
    assert as_cashier.get(url).status_code == 405
    sale.counter_receipt.refresh_from_db()
    assert sale.counter_receipt.print_count == 0


def test_an_online_sale_has_no_till_receipt(as_cashier, park, products, member):
    online = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    response = _print(as_cashier, online)
    assert response.status_code == 302
    assert not hasattr(Sale.objects.get(pk=online.pk), "counter_receipt")


def test_a_card_sale_receipt_shows_the_card_payment(as_cashier, products):
    as_cashier.post(
        COUNTER,
        {
            "reference": "f" * 32,
            "method": "card",
            f"qty_{products['socks'].pk}": "1",
            "action": "pay",
        },
    )
    sale = Sale.objects.get(channel="counter")
    text = _text(_print(as_cashier, sale).content)
    assert "Carte bancaire" in text and "3,50 €" in text
    assert "Monnaie rendue" not in text
    assert sale.total_incl == Decimal("3.50")


def test_a_voucher_payment_names_the_voucher_on_the_receipt(
    as_cashier, park, products, member
):
    bought = factories.paid_online_sale(
        park, member, factories.basket(products, ("voucher", 1))
    )
    gift = bought.lines.get().gift_vouchers.get()
    as_cashier.post(
        COUNTER,
        {
            "reference": "e" * 32,
            "method": "gift_voucher",
            "voucher_code": gift.code,
            f"qty_{products['ticket'].pk}": "1",
            "action": "pay",
        },
    )
    sale = Sale.objects.get(channel="counter")
    text = _text(_print(as_cashier, sale).content)
    assert "Bon cadeau" in text and f"Bon {gift.code}" in text
