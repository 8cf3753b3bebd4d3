"""The till: a sale at the counter, once, invoiced on request."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.core.audit import history
from comptoir.sales.models import Channel, Sale
from tests import factories

pytestmark = pytest.mark.django_db

COUNTER = reverse("backoffice:counter")
REFERENCE = "0123456789abcdef0123456789abcdef"


def basket(products, method="cash", client=None, **extra):
    data = {
        "reference": REFERENCE,
        "method": method,
        f"qty_{products['ticket'].pk}": "2",
        f"qty_{products['snack'].pk}": "1",
        "action": "pay",
    }
    if client is not None:
        data["client"] = client.pk
    data.update(extra)
    return data


def test_the_form_carries_a_fresh_idempotency_reference(as_cashier, products):
    first = as_cashier.get(COUNTER).context["form"].initial["reference"]
    second = as_cashier.get(COUNTER).context["form"].initial["reference"]
    assert len(first) == 32 and first != second


def test_the_counter_lists_the_parks_active_products_and_the_four_methods(
    as_cashier, products
):
    products["socks"].active = False
    products["socks"].save()
    content = as_cashier.get(COUNTER).content.decode()
    assert products["ticket"].name in content
    assert products["socks"].name not in content
    for method in ["Espèces", "Carte bancaire", "Chèque", "Bon cadeau"]:
        assert method in content


def test_a_cashier_records_a_counter_sale(as_cashier, cashier, park, products):
    response = as_cashier.post(COUNTER, basket(products, method="cheque"))
    sale = Sale.objects.get(park=park)
    assert response["Location"] == reverse(
        "backoffice:sale", kwargs={"public_id": sale.public_id}
    )
    assert sale.channel == Channel.COUNTER
    assert sale.is_paid
    assert sale.total_incl == Decimal("80.00")
    assert sale.client is None
    assert sale.payments.get().method == "cheque"
    assert sale.created_by == cashier
    assert history(sale).get(action="sales.counter_sale.recorded").actor == cashier


def test_a_double_submit_records_one_sale(as_cashier, park, products):
    first = as_cashier.post(COUNTER, basket(products))
    second = as_cashier.post(COUNTER, basket(products))
    assert Sale.objects.filter(park=park).count() == 1
    assert first["Location"] == second["Location"]


def test_computing_the_total_records_nothing(as_cashier, park, products):
    response = as_cashier.post(COUNTER, basket(products, action="preview"))
    assert response.status_code == 200
    assert response.context["preview_total"] == Decimal("80.00")
    assert "80,00" in response.content.decode()
    assert not Sale.objects.filter(park=park).exists()
    assert response.context["form"]["reference"].value() == REFERENCE


def test_an_empty_basket_or_no_method_is_refused_in_french(as_cashier, park, products):
    response = as_cashier.post(
        COUNTER, {"reference": REFERENCE, "method": "cash", "action": "pay"}
    )
    assert "Ajoutez au moins un produit." in response.content.decode()
    response = as_cashier.post(COUNTER, basket(products, method=""))
    assert "Choisissez le moyen de paiement." in response.content.decode()
    assert not Sale.objects.filter(park=park).exists()


def test_a_forged_reference_is_refused(as_cashier, park, products):
    response = as_cashier.post(COUNTER, basket(products, reference="x"))
    assert "Formulaire expiré" in response.content.decode()
    assert not Sale.objects.filter(park=park).exists()


def test_the_client_is_found_by_searching(as_cashier, park, member):
    content = as_cashier.get(COUNTER, {"q": "baycorp"}).content.decode()
    assert member.display_name in content
    assert f'name="choose" value="{member.pk}"' in content


def test_the_invoice_is_issued_right_away_for_a_complete_record(
    as_cashier, cashier, park, member, products
):
    response = as_cashier.post(
        COUNTER, basket(products, client=member, issue_invoice="on"), follow=True
    )
    sale = Sale.objects.get(park=park)
    invoice = sale.invoices.get()
    assert invoice.issued_by == cashier
    assert invoice.total_incl == Decimal("80.00")
    assert f"Facture {invoice.number} générée." in response.content.decode()


def test_an_incomplete_record_is_told_what_is_missing_with_a_link(
    as_cashier, park, incomplete_member, products
):
    page = as_cashier.get(COUNTER, {"client": incomplete_member.pk}).content.decode()
    assert "Fiche incomplète pour la facture : Raison sociale, Adresse" in page
    assert reverse("backoffice:client", kwargs={"pk": incomplete_member.pk}) in page

    response = as_cashier.post(
        COUNTER,
        basket(products, client=incomplete_member, issue_invoice="on"),
        follow=True,
    )
    sale = Sale.objects.get(park=park)
    assert sale.is_paid
    assert not sale.invoices.exists()
    content = response.content.decode()
    assert "Facture non générée : fiche client incomplète" in content
    assert "Raison sociale, Adresse, Code postal, Ville" in content
    assert reverse("backoffice:client", kwargs={"pk": incomplete_member.pk}) in content


def test_without_the_box_no_invoice_is_issued(as_cashier, park, member, products):
    as_cashier.post(COUNTER, basket(products, client=member))
    sale = Sale.objects.get(park=park)
    assert sale.client == member
    assert not sale.invoices.exists()


def test_the_sale_goes_to_the_chosen_park(as_cashier, organization, park, products):
    second = factories.park(organization)
    water = factories.products(second)["ticket"]
    response = as_cashier.post(
        f"{COUNTER}?parc={second.pk}",
        {
            "reference": REFERENCE,
            "method": "card",
            "parc": second.pk,
            f"qty_{water.pk}": "1",
            f"qty_{products['ticket'].pk}": "3",  # other park's product: ignored
        },
    )
    assert response.status_code == 302
    sale = Sale.objects.get()
    assert sale.park == second
    assert sale.total_incl == Decimal("30.00")
