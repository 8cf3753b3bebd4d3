"""The product note's story in a real browser, from the operator's side.

A manager turns "Factures disponibles en ligne" on for a group; a member of
that group with an incomplete record pays online in the shop; the alert
appears with the missing fields; the manager completes the record and
generates the invoice; the alert closes and the member finds the invoice in
"Vos factures". A cashier cannot open the group settings, and a manager of
another organization gets 404 on these pages.

Screenshots of the group page, the client record and the alert list are
written to test-artifacts/ (copied by hand to docs/screenshots/).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.customers.models import Profile
from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # pytest-playwright's `base_url` fixture under pytest 9.2; the project's
    # filter does not match this multi-line message.
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
LAPTOP = {"width": 1440, "height": 900}


@pytest.fixture
def browser_context_args(browser_context_args):
    """A French-speaking park: the pages follow the browser's language."""
    return {**browser_context_args, "locale": "fr-FR", "viewport": LAPTOP}


@pytest.fixture(autouse=True)
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)


@pytest.fixture
def world(db):
    """The product note's park, group and clients; the group's switch is off."""
    org = factories.organization()
    org.name = "TRY"
    org.save(update_fields=["name"])
    park = factories.park(
        org, series="KD", name="TRY Trampoline Park", company_name="TRY LOISIRS"
    )
    group = factories.group(org, online_invoices=False, name="Groupe CE privilège")
    vip = factories.group(org, online_invoices=False, name="Club VIP")
    products = factories.products(park)
    eric = factories.client(
        park,
        groups=[group, vip],
        first_name="ERIC",
        last_name="BAY",
        phone="0679849822",
    )
    factories.client(
        park, groups=[group], complete=False, first_name="", last_name="Mattei"
    )
    claude = factories.client(
        park,
        groups=[group],
        complete=False,
        with_account=True,
        first_name="Claude",
        last_name="NEIME",
        email="claude.neime@example.com",
        profile=Profile.INDIVIDUAL,
    )
    return {
        "org": org,
        "park": park,
        "group": group,
        "products": products,
        "claude": claude,
        "eric": eric,
        "manager": staff(org, "manager", "Marion", "Gérante"),
        "cashier": staff(org, "cashier", "Camille", "Caisse"),
    }


def staff(org, role: str, first_name: str, last_name: str):
    user = factories.staff(org, role=role, email=f"{first_name.lower()}@try.example")
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    return user


def staff_login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def member_pays_online(page: Page, base: str, world) -> None:
    """Claude logs in to the member space and buys a ticket in the shop."""
    slug = world["org"].slug
    page.goto(f"{base}/{slug}/espace-membre/connexion/")
    page.get_by_label("Adresse email").fill(world["claude"].email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{base}/{slug}/")
    product = page.locator(f"#produit-{world['products']['ticket'].pk}")
    product.get_by_role("button", name="Ajouter").click()
    page.goto(f"{base}/{slug}/panier/")
    page.get_by_role("link", name="Commander").click()
    page.get_by_test_id("pay").click()
    page.get_by_role("button", name=re.compile(r"^Payer")).click()
    page.wait_for_url(re.compile(rf"/{slug}/commande/"))


def test_an_incomplete_member_pays_online_and_the_manager_fixes_it(
    page: Page, browser, live_server, world
):
    base = live_server.url
    staff_login(page, base, world["manager"].email)

    # 1. The manager turns "Factures disponibles en ligne" on for the group.
    page.get_by_role("link", name="Groupes de clients").click()
    page.get_by_role("link", name="Groupe CE privilège").click()
    settings_form = page.locator("form", has_text="Réglages du groupe")
    switch = settings_form.get_by_role(
        "radiogroup", name="Factures disponibles en ligne"
    )
    expect(switch.get_by_label("Non")).to_be_checked()
    expect(page.get_by_text("Note : « non » est activé par défaut.")).to_be_visible()
    switch.get_by_text("Oui").click()
    settings_form.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Factures disponibles en ligne activées")).to_be_visible()
    notice = page.get_by_test_id("incomplete-notice")
    expect(notice).to_contain_text("2 membres ont une fiche incomplète")
    expect(
        notice.get_by_role("link", name="Voir et compléter ces fiches")
    ).to_be_visible()
    members = page.get_by_test_id("members")
    for column in ["Nom du client", "Raison sociale", "Profil client", "Parc initial"]:
        expect(members).to_contain_text(column, ignore_case=True)
    expect(members.get_by_role("button", name="Retirer du groupe")).to_have_count(3)
    page.screenshot(path=ARTIFACTS / "backoffice-group.png", full_page=True)
    world["group"].refresh_from_db()
    assert world["group"].online_invoices is True

    # 2. Claude, whose record lacks the company data, pays online.
    member_context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    member_page = member_context.new_page()
    member_pays_online(member_page, base, world)
    sale = world["claude"].sales.get()
    assert sale.is_paid
    assert not sale.invoices.exists()

    # 3. The alert appears, counted in the navigation, with the missing fields.
    page.reload()
    nav_alerts = page.get_by_test_id("nav-alerts")
    expect(nav_alerts).to_contain_text("1")
    nav_alerts.click()
    card = page.locator(".alert-card", has_text=sale.number)
    expect(card).to_contain_text("Facture non générée pour Claude NEIME")
    expect(card).to_contain_text(
        "Champs manquants : Raison sociale, Adresse, Code postal, Ville."
    )
    expect(card.get_by_role("button", name="Générer la facture")).to_be_disabled()
    page.screenshot(path=ARTIFACTS / "backoffice-alerts.png", full_page=True)

    # 4. One click to the record; the manager completes it.
    card.get_by_role("link", name="Compléter la fiche").click()
    expect(page.get_by_test_id("missing-fields")).to_contain_text(
        "Champs manquants : Raison sociale, Adresse, Code postal, Ville."
    )
    page.screenshot(path=ARTIFACTS / "backoffice-client.png", full_page=True)
    page.get_by_label("Raison sociale").fill("NEIME CONSEIL")
    page.get_by_role("textbox", name="Adresse", exact=True).fill("4 place du Marché")
    page.get_by_label("Code postal").fill("89100")
    page.get_by_label("Ville").fill("SENS")
    page.get_by_label("Siret / Immat.").fill("324 567 890 00011")
    page.get_by_role("button", name="Enregistrer la fiche").click()

    # 5. Back on the alerts: generate the invoice; the alert closes.
    expect(page).to_have_url(re.compile(r"/backoffice/alertes/"))
    card = page.locator(".alert-card", has_text=sale.number)
    expect(card).to_contain_text("Fiche complétée")
    card.get_by_role("button", name="Générer la facture").click()
    invoice = Invoice.objects.get(sale=sale)
    expect(page.get_by_text(f"Facture {invoice.number} générée.")).to_be_visible()
    expect(page.get_by_text("Aucune alerte ouverte")).to_be_visible()
    expect(page.get_by_test_id("nav-alerts")).to_contain_text("0")
    page.get_by_role("link", name=re.compile(r"^Historique")).click()
    closed = page.get_by_test_id("closed-alerts")
    expect(closed).to_contain_text(sale.number)
    expect(closed).to_contain_text("Facture générée manuellement")
    expect(closed).to_contain_text(world["manager"].get_full_name())
    alert = Alert.objects.get(sale=sale)
    assert alert.status == AlertStatus.CLOSED
    assert alert.closed_by == world["manager"]
    assert invoice.buyer_name == "NEIME CONSEIL"

    # 6. The member sees the invoice in "Vos factures".
    member_page.goto(f"{base}/{world['org'].slug}/espace-membre/factures/")
    expect(member_page.get_by_test_id("invoices")).to_contain_text(invoice.number)
    expect(member_page.get_by_test_id("invoices")).to_contain_text(sale.number)
    member_context.close()


def test_a_cashier_cannot_open_the_group_settings(page: Page, live_server, world):
    base = live_server.url
    staff_login(page, base, world["cashier"].email)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Caisse")).to_be_visible()
    expect(nav.get_by_role("link", name="Groupes de clients")).to_have_count(0)
    response = page.goto(f"{base}/backoffice/groupes/{world['group'].pk}/")
    assert response.status == 403
    expect(
        page.get_by_role("heading", name="Accès réservé aux responsables")
    ).to_be_visible()


def test_another_organizations_staff_gets_404(page: Page, live_server, world):
    other = factories.organization()
    factories.park(other)
    stranger = factories.staff(other, role="manager", email="oscar@other.example")
    world["group"].online_invoices = True
    world["group"].save(update_fields=["online_invoices"])
    sale = factories.paid_online_sale(
        world["park"], world["eric"], factories.basket(world["products"], ("ticket", 1))
    )
    base = live_server.url
    staff_login(page, base, stranger.email)
    for path in [
        f"/backoffice/groupes/{world['group'].pk}/",
        f"/backoffice/clients/{world['claude'].pk}/",
        f"/backoffice/ventes/{sale.public_id}/",
        f"/backoffice/factures/{sale.invoices.get().public_id}/pdf/",
    ]:
        response = page.goto(base + path)
        assert response.status == 404, path
