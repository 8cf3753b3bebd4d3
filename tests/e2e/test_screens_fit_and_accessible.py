"""Every screen of the shop, the member space and the back office, in a real
browser, at a laptop's 1280 px and a phone's 390 px:

- axe-core's WCAG 2 A/AA rules find no violation (axe-core from the npm
  registry, pinned in package-lock.json, installed by scripts/system-deps.sh);
- no table is wider than its container at 1280 px, nor on a phone for the
  screens customers and cashiers use there (shop, member space, counter),
  and no page scrolls sideways;
- a screenshot of each screen is kept in test-artifacts/screens/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from comptoir.alerts.models import Alert, AlertKind
from comptoir.catalog.models import Product
from comptoir.customers.models import Client, CustomerGroup
from comptoir.demo.world import PASSWORD, load_demo
from comptoir.einvoicing.models import Transmission, TransmissionState
from comptoir.invoicing.models import Invoice
from comptoir.organizations.models import Park
from comptoir.sales.models import PaymentMethod, Sale, SaleStatus
from comptoir.sales.services import Item, refund_sale
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAPTOP, PHONE = 1280, 390

TABLES_JS = """() => {
  const problems = [];
  const view = document.documentElement;
  if (view.scrollWidth > view.clientWidth + 1) {
    problems.push(`page ${view.scrollWidth}px wide in ${view.clientWidth}px`);
  }
  document.querySelectorAll("table").forEach((table, index) => {
    const box = table.getBoundingClientRect();
    if (box.width === 0) return;  // hidden
    const parent = table.parentElement;
    const name = table.dataset.testid || table.className || `table ${index}`;
    if (table.scrollWidth > parent.clientWidth + 1) {
      problems.push(`${name}: ${table.scrollWidth}px in ${parent.clientWidth}px`);
    }
    if (box.right > view.clientWidth + 1) {
      problems.push(`${name}: right edge at ${Math.round(box.right)}px`);
    }
  });
  return problems;
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the site's CSP forbids.
    return {**browser_context_args, "bypass_csp": True, "locale": "fr-FR"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE_JS.is_file(), (
        "axe-core is missing: run `bash scripts/system-deps.sh` (npm ci)"
    )
    return AXE_JS.read_text()


class Screens:
    """Checks the page on screen and keeps its picture."""

    def __init__(self, page: Page, width: int, axe: str, folder: Path):
        self.page, self.width, self.axe, self.folder = page, width, axe, folder
        self.checked: list[str] = []
        self.problems: dict[str, list[str]] = {}

    def check(self, name: str, *, phone_layout: bool = True) -> None:
        page = self.page
        page.wait_for_load_state("load")
        page.screenshot(path=self.folder / f"{name}-{self.width}.png", full_page=True)
        page.add_script_tag(content=self.axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_A_AA,
        )
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + ", ".join(json.dumps(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]
        ]
        if self.width >= LAPTOP or phone_layout:
            found += page.evaluate(TABLES_JS)
        if found:
            self.problems[name] = found
        self.checked.append(name)

    def assert_clean(self) -> None:
        report = "\n".join(
            f"{name} at {self.width}px:\n  " + "\n  ".join(problems)
            for name, problems in self.problems.items()
        )
        assert not self.problems, report


@pytest.fixture
def screens(page: Page, axe_source: str, artifacts: Path, request) -> Screens:
    width = request.node.callspec.params["width"]
    page.set_viewport_size({"width": width, "height": 900})
    folder = artifacts / "screens"
    folder.mkdir(exist_ok=True)
    return Screens(page, width, axe_source, folder)


def member_login(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/try/espace-membre/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1.greeting")).to_be_visible()


def staff_login(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_shop_and_member_space_screens_fit_and_pass_axe(
    page: Page, live_server, screens: Screens, width: int
):
    load_demo()
    base = live_server.url
    page.context.clear_cookies()

    page.goto(f"{base}/try/")
    screens.check("shop-public")
    page.goto(f"{base}/try/espace-membre/connexion/")
    screens.check("member-login")
    page.goto(f"{base}/try/espace-membre/mot-de-passe/oublie/")
    screens.check("member-password-reset")
    page.goto(f"{base}/nulle-part/")
    screens.check("error-404")

    # Claude: in the CE group, no company data — the checkout asks for it.
    member_login(page, base, "claude.neime@example.com")
    screens.check("member-home")
    page.goto(f"{base}/try/")
    product = page.locator('[data-testid="product"]').filter(
        has=page.get_by_role("heading", name="Entrée Jump 1h", exact=True)
    )
    product.get_by_role("button", name="Ajouter").click()
    # The answer is where the member is looking: under the button, and on
    # the basket's count.
    note = product.get_by_test_id("added-note")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("1 article dans votre panier")
    expect(page.locator(".cart-count")).to_have_text("1")
    screens.check("shop-private-added")
    page.goto(f"{base}/try/panier/")
    screens.check("cart")
    page.goto(f"{base}/try/commande/")
    expect(page.get_by_test_id("invoice-warning")).to_be_visible()
    screens.check("checkout-company-data")
    page.get_by_test_id("pay").click()
    expect(page).to_have_url(re.compile(r"/try/paiement-simule/"))
    screens.check("payment-page")
    page.get_by_role("button", name=re.compile("^Payer")).click()
    expect(page.locator("h1")).to_contain_text("votre commande est confirmée")
    screens.check("confirmation-no-invoice")
    for path, name in [
        ("factures/", "member-invoices-pending"),
        ("profil/", "member-profile"),
        ("reservations/", "member-bookings"),
        ("billets/", "member-tickets"),
        ("bons-cadeaux/", "member-vouchers"),
        ("rien-ici/", "member-404"),
    ]:
        page.goto(f"{base}/try/espace-membre/{path}")
        screens.check(name)

    # Eric: a complete record and invoices, gift vouchers among them, with
    # the longest e-invoicing state beside each number.
    eric = Client.objects.get(email="eric.bay@example.com")
    for invoice in Invoice.objects.filter(client=eric):
        Transmission.objects.get_or_create(
            document=invoice,
            defaults={
                "organization": invoice.organization,
                "tracking_id": str(invoice.public_id),
                "state": TransmissionState.SUBMITTED,
                "status_code": "204",
            },
        )
    member_login(page, base, "eric.bay@example.com")
    page.goto(f"{base}/try/espace-membre/factures/")
    expect(page.get_by_test_id("invoices")).to_be_visible()
    screens.check("member-invoices")

    # Julie: in a group without online invoices; she asks for an invoice.
    julie = Client.objects.get(email="julie.martin@example.com")
    ticket = Product.objects.get(organization=julie.organization, name="Entrée Jump 1h")
    bought = factories.paid_online_sale(julie.initial_park, julie, [Item(ticket, 1)])
    member_login(page, base, julie.email)
    screens.check("member-home-no-invoices")
    row = page.get_by_test_id("purchase-row").filter(has_text=bought.number)
    row.get_by_role("button", name="Demander une facture").click()
    expect(page.get_by_role("status")).to_contain_text(bought.number)
    expect(row).to_contain_text("Demandée le")
    screens.check("member-invoice-requested")
    assert Alert.objects.filter(sale=bought, kind=AlertKind.INVOICE_REQUESTED).exists()

    screens.assert_clean()
    assert len(screens.checked) == 19


@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_back_office_screens_fit_and_pass_axe(
    page: Page, live_server, screens: Screens, width: int
):
    """Every back-office table fits a laptop; on a phone only the counter
    must fit (the other screens scroll their tables sideways, by keyboard
    too)."""
    load_demo()
    base = live_server.url
    page.context.clear_cookies()
    page.goto(f"{base}/backoffice/connexion/")
    screens.check("backoffice-login", phone_layout=False)

    staff_login(page, base, "manager@example.com")
    screens.check("dashboard", phone_layout=False)
    page.goto(f"{base}/backoffice/caisse/")
    screens.check("counter")

    sale = Sale.objects.filter(status=SaleStatus.PAID, invoices__isnull=False).first()
    # A credit note and a long company name: the widest rows a list shows.
    refund_sale(
        sale=sale,
        quantities={sale.lines.first().pk: 1},
        method=PaymentMethod.CASH,
        actor=None,
        reason="Annulation",
    )
    Client.objects.filter(email="eric.bay@example.com").update(
        company_name="BAYCORP INTERNATIONAL TRAMPOLINE & LOISIRS DE BOURGOGNE"
    )
    eric = Client.objects.get(email="eric.bay@example.com")
    claude = Client.objects.get(email="claude.neime@example.com")
    group = CustomerGroup.objects.get(name="Groupe CE privilège")
    park = Park.objects.get(public_code="QW-TRY")
    assert Invoice.objects.exists()
    product = Product.objects.filter(organization=park.organization).first()
    active = Invoice.objects.filter(
        park=park, kind="invoice", credit_notes__isnull=True
    ).first()
    for path, name in [
        ("ventes/", "sales"),
        (f"ventes/{sale.public_id}/", "sale"),
        ("clients/", "clients"),
        ("clients/nouveau/", "client-new"),
        (f"clients/{eric.pk}/", "client"),
        (f"clients/{claude.pk}/", "client-incomplete"),
        ("groupes/", "groups"),
        ("groupes/nouveau/", "group-new"),
        (f"groupes/{group.pk}/", "group"),
        ("alertes/", "alerts"),
        ("alertes/?etat=fermees", "alerts-closed"),
        ("factures/", "invoices"),
        ("factures/manquantes/", "missing-invoices"),
        ("parcs/", "parks"),
        (f"parcs/{park.pk}/", "park"),
        ("catalogue/", "catalogue"),
        ("catalogue/nouveau/", "product-new"),
        (f"catalogue/{product.pk}/", "product"),
        ("paiement-en-ligne/", "payment-settings"),
        ("facturation-electronique/", "einvoicing"),
        ("facturation-electronique/e-reporting/", "ereports"),
        ("comptabilite/plan/", "account-plan"),
        ("comptabilite/exports/", "accounting-exports"),
        (f"factures/{active.public_id}/corriger/", "invoice-correction"),
    ]:
        page.goto(f"{base}/backoffice/{path}")
        screens.check(name, phone_layout=False)

    # The group page's members table, its last column included, on screen.
    if width == LAPTOP:
        page.goto(f"{base}/backoffice/groupes/{group.pk}/")
        remove = page.get_by_role("button", name="Retirer du groupe").first
        box = remove.bounding_box()
        assert box is not None and box["x"] + box["width"] <= LAPTOP
        page.goto(f"{base}/backoffice/factures/")
        download = page.get_by_role("link", name="Télécharger").first
        box = download.bounding_box()
        assert box is not None and box["x"] + box["width"] <= LAPTOP

    staff_login(page, base, "cashier@example.com")
    page.goto(f"{base}/backoffice/groupes/{group.pk}/")
    screens.check("forbidden", phone_layout=False)

    screens.assert_clean()
    assert len(screens.checked) == 28
