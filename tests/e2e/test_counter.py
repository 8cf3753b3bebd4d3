"""The till in a real browser: quantities survive choosing the client, the
group price applies, the change shows as cash is typed, the receipt prints."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from comptoir.catalog.models import GroupPrice
from comptoir.sales.models import Sale
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]


def test_a_cashier_sells_to_a_group_member_with_change_and_a_receipt(
    page: Page, live_server, artifacts
):
    org = factories.organization()
    park = factories.park(org)
    products = factories.products(park)
    group = factories.group(org)
    member = factories.client(park, groups=[group], last_name="NEIME")
    GroupPrice.objects.create(
        product=products["ticket"], group=group, price_incl=Decimal("26.00")
    )
    cashier = factories.staff(org, role="cashier")
    base = live_server.url

    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(cashier.email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{base}/backoffice/caisse/")

    page.get_by_label("Entrée 1h").fill("2")
    page.get_by_label("Formule goûter").fill("1")
    page.get_by_label("Rechercher un client").fill("neime")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Choisir").click()
    expect(page.get_by_text(member.display_name)).to_be_visible()
    # Nothing typed was lost, and the group price now applies.
    expect(page.get_by_label("Entrée 1h")).to_have_value("2")
    expect(page.get_by_label("Formule goûter")).to_have_value("1")
    expect(page.get_by_text("prix de groupe")).to_be_visible()

    page.get_by_label("Espèces", exact=True).check()
    page.get_by_label("Espèces reçues").fill("100")
    expect(page.locator("[data-live-change]")).to_contain_text("28,00")
    page.get_by_label("Espèces reçues").fill("90")
    expect(page.locator("[data-live-change]")).to_contain_text("18,00")
    page.get_by_role("button", name="Calculer le total").click()
    expect(page.get_by_test_id("counter-change")).to_contain_text("18,00")
    expect(page.locator(".notice.danger")).to_have_count(0)
    page.screenshot(path=str(artifacts / "counter.png"), full_page=True)

    page.get_by_label("Éditer la facture tout de suite").check()
    page.get_by_role("button", name="Encaisser").click()
    expect(page.get_by_text("Monnaie à rendre : 18,00")).to_be_visible()
    expect(page.get_by_role("button", name="Renvoyer la facture FA-")).to_be_visible()
    page.screenshot(path=str(artifacts / "counter-sale.png"), full_page=True)
    sale = Sale.objects.get(channel="counter")
    assert sale.total_incl == Decimal("72.00")
    assert sale.client_id == member.pk

    with page.expect_popup() as popup:
        page.get_by_role("button", name="Imprimer le ticket").click()
    popup.value.wait_for_load_state()
    sale.counter_receipt.refresh_from_db()
    assert sale.counter_receipt.print_count == 1
