"""Issue 4, point 8, in a real browser: the demo member buys two products of
different VAT rates in its private shop, pays on the simulated card page, finds
the new invoice at the top of « Vos factures » and downloads it; nobody else
can open that download."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from comptoir.demo.world import PASSWORD, load_demo
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Sale, SaleStatus

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    # pytest-playwright's session `base_url` fixture warns under pytest 9.2 with a
    # multi-line message that the project's filter (".*base_url.*") misses.
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]

ERIC = "eric.bay@example.com"
CLAUDE = "claude.neime@example.com"
JULIE = "julie.martin@example.com"


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/try/espace-membre/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1.greeting")).to_contain_text("Bienvenue dans votre espace")


def add_product(page: Page, name: str) -> None:
    card = page.locator('[data-testid="product"]').filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )
    card.get_by_role("button", name="Ajouter").click()
    expect(page.locator(".message-success").last).to_contain_text(name)


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_member_buys_pays_and_downloads_the_new_invoice(
    page: Page, live_server, artifacts
):
    load_demo()
    base = live_server.url

    page.goto(base + "/")
    expect(page).to_have_url(f"{base}/try/")
    log_in(page, base, ERIC)
    expect(page.locator("h1.greeting")).to_contain_text("Bonjour ERIC,")

    # The private shop, at the group's prices.
    page.get_by_role("link", name="Boutique privée").first.click()
    expect(page.locator(".hero")).to_contain_text("Groupe CE privilège")
    page.screenshot(path=artifacts / "shop.png", full_page=True)

    add_product(page, "Entrée Jump 1h")  # 26.00 at 20 % (public price 30.00)
    add_product(page, "Formule goûter")  # 20.00 at 10 %
    expect(page.locator(".cart-count")).to_have_text("2")

    page.get_by_role("link", name=re.compile(r"Panier \(2\)")).click()
    expect(page.locator('[data-testid="cart-line"]')).to_have_count(2)
    page.get_by_role("link", name="Commander").click()

    totals = page.locator('[data-testid="totals"]').last
    expect(totals).to_contain_text("TVA 20\xa0% sur 21,67\xa0€ HT")
    expect(totals).to_contain_text("TVA 10\xa0% sur 18,18\xa0€ HT")
    expect(page.locator('[data-testid="total-incl"]').last).to_have_text("46,00\xa0€")
    page.locator('[data-testid="pay"]').click()

    # The provider's page, then back to the shop.
    expect(page).to_have_url(re.compile(r"/try/paiement-simule/"))
    expect(page.locator('[data-testid="psp-amount"]')).to_have_text("46,00\xa0€")
    page.get_by_role("button", name=re.compile("^Payer")).click()
    expect(page.locator("h1")).to_contain_text("votre commande est confirmée")
    expect(page.locator('[data-testid="invoice-status"]')).to_contain_text(
        "Votre facture est prête."
    )
    expect(page.locator(".cart-count")).to_have_text("0")

    sale = Sale.objects.filter(client__email=ERIC, status=SaleStatus.PAID).latest("pk")
    invoice = Invoice.objects.get(sale=sale)
    assert (invoice.total_incl, invoice.total_excl) == (
        Decimal("46.00"),
        Decimal("39.85"),
    )
    expect(page.locator('[data-testid="sale-number"]')).to_have_text(sale.number)

    # « Vos factures »: the new invoice on top, with its amounts.
    page.get_by_role("link", name="Espace membre").click()
    page.locator('[data-testid="menu-invoices"]').click()
    expect(page).to_have_url(f"{base}/try/espace-membre/factures/")
    rows = page.locator('[data-testid="invoice-row"]')
    expect(rows).to_have_count(6)
    top = rows.first
    expect(top).to_contain_text(invoice.number)
    expect(top).to_contain_text(sale.number)
    expect(top.locator('[data-testid="amount-incl"]')).to_have_text("46,00\xa0€")
    expect(top.locator('[data-testid="amount-excl"]')).to_have_text("39,85\xa0€")
    page.screenshot(path=artifacts / "member-invoices.png", full_page=True)

    with page.expect_download() as download_info:
        top.get_by_role("link", name=f"Télécharger {invoice.number}").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    data = download.path().read_bytes()
    assert data.startswith(b"%PDF")
    assert invoice.number in pdf_text(data)
    download_url = top.get_by_role("link").get_attribute("href")

    # Phone width: the same pages still work.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(rows.first).to_contain_text(invoice.number)
    page.screenshot(path=artifacts / "member-invoices-390.png", full_page=True)
    page.goto(f"{base}/try/")
    page.screenshot(path=artifacts / "shop-390.png", full_page=True)

    # Another member of the same group cannot open that file.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/try/espace-membre/")
    page.get_by_role("button", name="Déconnexion").click()
    expect(page.locator(".message-success")).to_contain_text("Vous êtes déconnecté")
    response = page.goto(base + download_url)
    # Logged out, the link leads to the login page (and back once logged in).
    assert response is not None and response.status == 200
    assert "/try/espace-membre/connexion/?next=" in page.url
    log_in(page, base, CLAUDE)
    response = page.goto(base + download_url)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")


def test_member_without_eligible_group_has_no_vos_factures(page: Page, live_server):
    load_demo()
    base = live_server.url
    log_in(page, base, JULIE)
    menu = page.locator(".side-menu")
    expect(menu).to_contain_text("Votre profil")
    expect(menu).not_to_contain_text("Vos factures")
    response = page.goto(f"{base}/try/espace-membre/factures/")
    assert response is not None and response.status == 404
