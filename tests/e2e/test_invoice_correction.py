"""'Corriger la facture' end to end: the office fixes, the member sees both.

A member's invoice names a misspelt company. A cashier opens the sale in the
back office, clicks "Corriger la facture", fixes the company name and gives
the reason; Comptoir issues the credit note and the new invoice. The member
then finds both documents in "Vos factures", the new one to the right name.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]


def test_the_office_corrects_the_company_name_and_the_member_sees_both(
    page: Page, browser, live_server, artifacts
):
    org = factories.organization()
    park = factories.park(org, series="KD", name="TRY Trampoline Park")
    group = factories.group(org, online_invoices=True, name="Groupe CE privilège")
    member = factories.client(
        park, groups=[group], with_account=True, company_name="BAYCROP INC"
    )
    cashier = factories.staff(org, role="cashier", email="caisse@try.example")
    products = factories.products(park)
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    wrong = Invoice.objects.get(sale=sale)
    base = live_server.url

    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(cashier.email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()

    page.goto(f"{base}/backoffice/ventes/{sale.public_id}/")
    page.get_by_test_id("correct-invoice").click()
    expect(page.get_by_role("heading", name=f"Corriger la facture {wrong.number}"))
    form = page.get_by_test_id("correction-form")
    form.get_by_label("Raison sociale").fill("BAYCORP INC")
    form.get_by_label("Motif de la correction").fill("Raison sociale mal orthographiée")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Corriger la facture").click()
    expect(page.get_by_text("Facture corrigée")).to_be_visible()
    page.screenshot(path=str(artifacts / "invoice-correction.png"), full_page=True)

    note = Invoice.objects.get(credited_invoice=wrong, is_full_credit=True)
    new = Invoice.objects.filter(sale=sale).active().get()
    assert new.snapshot["buyer"]["company_name"] == "BAYCORP INC"
    panel = page.get_by_test_id("invoice-panel")
    expect(panel).to_contain_text(note.number)
    expect(panel).to_contain_text(new.number)

    member_context = browser.new_context(locale="fr-FR")
    member_page = member_context.new_page()
    member_page.goto(f"{base}/{org.slug}/espace-membre/connexion/")
    member_page.get_by_label("Adresse email").fill(member.email)
    member_page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    member_page.get_by_role("button", name="Se connecter").click()
    member_page.goto(f"{base}/{org.slug}/espace-membre/factures/")
    invoices = member_page.get_by_test_id("invoices")
    expect(invoices).to_contain_text(note.number)
    expect(invoices).to_contain_text(new.number)
    expect(invoices).to_contain_text(wrong.number)
    member_context.close()
