"""« Vos factures » tells the truth about invoices not issued yet: a sale just
paid shows « en cours » (never "Vous n'avez pas encore de facture"), one held
by an incomplete record says what is missing with a link to complete it, and
a sale invoiced in two documents says why in one sentence."""

import datetime as dt

import pytest
from django.utils import timezone

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.invoicing.services import issue_invoices
from comptoir.sales.models import Sale
from tests import factories
from tests.shop.fixtures import members, signed_in, text

pytestmark = pytest.mark.django_db

NO_INVOICE_YET = "Vous n'avez pas encore de facture"


def invoices_page(http, organization) -> str:
    response = http.get(members(organization, "invoices"))
    assert response.status_code == 200
    return text(response)


def paid_before_its_invoice(park, client, products) -> Sale:
    """A paid online sale whose invoice is not issued yet (issuing under way)."""
    group = client.groups.get()
    group.online_invoices = False
    group.save(update_fields=["online_invoices"])
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    group.online_invoices = True
    group.save(update_fields=["online_invoices"])
    assert not sale.invoices.exists()
    return sale


def test_a_member_who_just_paid_sees_the_invoice_en_cours(
    organization, park, products, member
):
    sale = paid_before_its_invoice(park, member, products)
    page = invoices_page(signed_in(member.user), organization)
    assert NO_INVOICE_YET not in page
    assert "Factures en cours" in page
    assert f"Vente {sale.number}" in page
    assert "en cours" in page
    assert "Votre facture est en cours d'émission" in page


def test_an_old_sale_never_invoiced_is_not_shown_as_en_cours(
    organization, park, products, member
):
    sale = paid_before_its_invoice(park, member, products)
    Sale.objects.filter(pk=sale.pk).update(
        paid_at=timezone.now() - dt.timedelta(days=2)
    )
    page = invoices_page(signed_in(member.user), organization)
    assert "Factures en cours" not in page
    assert NO_INVOICE_YET in page


def test_an_invoice_held_by_an_incomplete_record_says_what_is_missing(
    organization, park, group, products
):
    claude = factories.client(park, groups=[group], with_account=True, complete=False)
    sale = factories.paid_online_sale(
        park, claude, factories.basket(products, ("ticket", 1))
    )
    assert Alert.objects.filter(sale=sale, status=AlertStatus.OPEN).exists()
    http = signed_in(claude.user)
    page = invoices_page(http, organization)
    assert NO_INVOICE_YET not in page
    assert (
        "Votre facture attend une fiche complète. Il manque\xa0: Raison sociale, "
        "Adresse, Code postal, Ville." in page
    )
    assert f'href="{members(organization, "profile")}">Compléter ma fiche' in page

    # Days later, once the record is complete, it is "en cours" for the park.
    Sale.objects.filter(pk=sale.pk).update(
        paid_at=timezone.now() - dt.timedelta(days=3)
    )
    for name, value in {
        "company_name": "NEIME",
        "address": "4 place du Marché",
        "postcode": "89100",
        "city": "SENS",
    }.items():
        setattr(claude, name, value)
    claude.save()
    page = invoices_page(http, organization)
    assert "Il manque" not in page
    assert "Votre facture est en cours d'émission" in page

    # Issued: it leaves "en cours" and joins the list.
    invoice = issue_invoices(sale=sale)[0]
    page = invoices_page(http, organization)
    assert "Factures en cours" not in page
    assert invoice.number in page


def test_the_home_tile_counts_invoices_en_cours(organization, park, products, member):
    paid_before_its_invoice(park, member, products)
    page = text(signed_in(member.user).get(members(organization, "home")))
    assert "1 facture en cours" in page


def test_a_sale_split_into_two_invoices_says_why_in_one_sentence(
    organization, park, products, member
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("voucher", 1))
    )
    assert sale.invoices.count() == 2
    page = invoices_page(signed_in(member.user), organization)
    sentence = (
        f"La vente {sale.number} a deux factures\xa0: les bons cadeaux "
        "multi-usages se facturent à part, sans TVA, car la TVA n'est due "
        "qu'à leur utilisation."
    )
    assert page.count(sentence) == 1


def test_a_sale_in_one_invoice_has_no_split_sentence(
    organization, park, products, member
):
    factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    page = invoices_page(signed_in(member.user), organization)
    assert "a deux factures" not in page
