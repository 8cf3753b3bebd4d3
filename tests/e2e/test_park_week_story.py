"""Issue 11, « Done when », in a real browser from a fresh demo: the manager
creates a booking product with a group price and slots; a member of the group
buys it in the private shop and is mailed the invoice; the cashier sells the
same product at the counter at the group price and prints the receipt; the
manager refunds that place from the back office and it becomes void, and
leaves the member's « Vos réservations ».

Screenshots (1280 px) of every screen go to test-artifacts/story/.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from comptoir.catalog.models import Product
from comptoir.demo.world import PASSWORD, load_demo
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Booking, Sale, SaleStatus
from comptoir.sales.places import remaining_places

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]

MANAGER = "manager@example.com"
CASHIER = "cashier@example.com"
ERIC = "eric.bay@example.com"
PRODUCT = "Accrobranche 1h"


def staff_login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def member_login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/try/espace-membre/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1.greeting")).to_contain_text("Bienvenue dans votre espace")


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def next_saturday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day


def test_a_park_week_from_catalogue_to_shop_counter_and_refund(
    page: Page, live_server, artifacts
):
    load_demo()
    base = live_server.url
    shots = artifacts / "story"
    shots.mkdir(exist_ok=True)
    saturday = next_saturday()

    # 1. The manager creates the product, its group price and its slots.
    staff_login(page, base, MANAGER)
    page.get_by_role("link", name="Catalogue").click()
    page.screenshot(path=shots / "1-catalogue.png", full_page=True)
    page.get_by_role("link", name="Nouveau produit").click()
    page.get_by_label("Nom", exact=True).fill(PRODUCT)
    page.get_by_label("Type").select_option("booking")
    page.get_by_label("Prix TTC (€)").fill("24,00")
    page.get_by_label("Taux de TVA").select_option("20.00")
    page.get_by_label("En vente dans la boutique publique").uncheck()
    expect(page.get_by_label("En vente à la caisse")).to_be_checked()
    page.screenshot(path=shots / "1-new-product.png", full_page=True)
    page.get_by_role("button", name="Créer le produit").click()
    expect(page.get_by_text("Produit créé.")).to_be_visible()

    page.get_by_label("Groupe de clients").select_option(label="Groupe CE privilège")
    page.get_by_label("Prix TTC du groupe (€)").fill("20,00")
    page.get_by_role("button", name="Proposer à ce groupe").click()
    expect(page.get_by_test_id("group-prices")).to_contain_text("20,00")

    page.get_by_label("Ouverture", exact=True).fill("14:00")
    page.get_by_label("Fermeture", exact=True).fill("18:00")
    page.get_by_label("Durée d'un créneau (minutes)").fill("60")
    page.get_by_label("Places par créneau").fill("6")
    page.get_by_role("button", name="Enregistrer les créneaux").click()
    expect(page.get_by_text("Créneaux enregistrés.")).to_be_visible()
    expect(page.get_by_test_id("availability")).to_contain_text("6 / 6")
    page.screenshot(path=shots / "1-product.png", full_page=True)
    product = Product.objects.get(name=PRODUCT)
    assert product.group_prices.get().price_incl == Decimal("20.00")
    assert product.slot_schedule.capacity == 6

    # 2. Eric, of the CE group, books 2 places in the private shop and pays.
    context = page.context.browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    shop = context.new_page()
    member_login(shop, base, ERIC)
    shop.goto(f"{base}/try/")
    card = shop.locator(f"#produit-{product.pk}")
    expect(card).to_contain_text("20,00")
    shop.screenshot(path=shots / "2-shop.png", full_page=True)
    card.get_by_label(re.compile("Quantité")).fill("2")
    card.get_by_role("button", name="Ajouter").click()
    shop.get_by_label("Date").fill(saturday.isoformat())
    shop.get_by_role("button", name="Valider le créneau").click()
    expect(shop.get_by_test_id("places-left")).to_contain_text("6 places restantes")
    shop.screenshot(path=shots / "2-cart.png", full_page=True)
    shop.get_by_role("link", name="Commander").click()
    expect(shop.locator('[data-testid="total-incl"]').last).to_have_text("40,00\xa0€")
    shop.screenshot(path=shots / "2-checkout.png", full_page=True)
    shop.get_by_test_id("pay").click()
    expect(shop).to_have_url(re.compile(r"/try/paiement-simule/"))
    shop.screenshot(path=shots / "2-simulated-card.png", full_page=True)
    shop.get_by_role("button", name=re.compile("^Payer")).click()
    expect(shop.locator("h1")).to_contain_text("votre commande est confirmée")
    expect(shop.get_by_test_id("invoice-status")).to_contain_text(
        "Votre facture est prête."
    )
    shop.screenshot(path=shots / "2-confirmation.png", full_page=True)

    online = Sale.objects.get(
        client__email=ERIC, status=SaleStatus.PAID, lines__product=product
    )
    assert online.total_incl == Decimal("40.00")
    start = online.lines.get().booking_start
    assert start.date() == saturday
    assert remaining_places(product=product, starts_at=start) == 4
    invoice = Invoice.objects.get(sale=online)
    to_eric = [m for m in mail.outbox if ERIC in m.to]
    attached = {
        name: content
        for message in to_eric
        for name, content, _mime in message.attachments
    }
    pdf = attached[f"{invoice.number}.pdf"]
    assert pdf.startswith(b"%PDF")
    assert invoice.number in pdf_text(pdf)

    # 3. The cashier sells one place of the same slot to Eric, at the group price.
    page.context.clear_cookies()
    staff_login(page, base, CASHIER)
    page.goto(f"{base}/backoffice/caisse/")
    page.get_by_label(PRODUCT).fill("1")
    page.get_by_label("Rechercher un client").fill("bay")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Choisir").click()
    expect(page.get_by_label(PRODUCT)).to_have_value("1")
    row = page.locator(".product").filter(has_text=PRODUCT)
    expect(row.locator(".price")).to_contain_text("20,00")
    expect(row.get_by_text("prix de groupe")).to_be_visible()
    slot = row.get_by_test_id("counter-slot")
    slot.get_by_label("Date").fill(saturday.isoformat())
    local_start = start.astimezone(ZoneInfo(product.park.time_zone))
    slot.get_by_label("Créneau").select_option(local_start.strftime("%H:%M"))
    page.get_by_label("Espèces", exact=True).check()
    page.get_by_label("Espèces reçues").fill("50")
    page.get_by_role("button", name="Calculer le total").click()
    expect(page.locator(".summary-total")).to_contain_text("20,00")
    expect(page.get_by_test_id("counter-change")).to_contain_text("30,00")
    page.screenshot(path=shots / "3-counter.png", full_page=True)
    page.get_by_role("button", name="Encaisser").click()
    expect(page.get_by_text("Monnaie à rendre : 30,00")).to_be_visible()
    page.screenshot(path=shots / "3-counter-sale.png", full_page=True)
    counter = Sale.objects.get(channel="counter", lines__product=product)
    assert counter.client.email == ERIC
    assert counter.total_incl == Decimal("20.00")
    assert remaining_places(product=product, starts_at=start) == 3
    # Eric's « Vos réservations » now lists both of his bookings of the product.
    shop.goto(f"{base}/try/espace-membre/reservations/")
    booked = shop.get_by_test_id("booking").filter(has_text=PRODUCT)
    expect(booked).to_have_count(2)

    with page.expect_popup() as popup:
        page.get_by_role("button", name="Imprimer le ticket").click()
    popup.value.wait_for_load_state()
    receipt_path = f"/backoffice/ventes/{counter.public_id}/ticket/"
    assert popup.value.url.endswith(receipt_path)
    counter.counter_receipt.refresh_from_db()
    assert counter.counter_receipt.print_count == 1
    page.reload()
    token = page.locator(
        f'form[action="{receipt_path}"] input[name="csrfmiddlewaretoken"]'
    ).input_value()
    response = page.context.request.post(
        base + receipt_path, form={"csrfmiddlewaretoken": token}
    )
    assert response.ok
    assert response.body().startswith(b"%PDF")
    assert "DUPLICATA" in pdf_text(response.body()).upper()

    # 4. The manager refunds that place: the booking is void, the place free.
    page.context.clear_cookies()
    staff_login(page, base, MANAGER)
    page.goto(f"{base}/backoffice/ventes/{counter.public_id}/")
    page.get_by_label(re.compile(PRODUCT)).fill("1")
    page.get_by_label("Motif").fill("Client absent")
    page.get_by_role("button", name="Rembourser la sélection").click()
    entitlements = page.get_by_test_id("entitlements")
    expect(entitlements).to_contain_text("Annulée (remboursée)")
    page.screenshot(path=shots / "4-refund.png", full_page=True)
    booking = Booking.objects.get(sale_line__sale=counter)
    assert booking.cancelled_at is not None
    assert remaining_places(product=product, starts_at=start) == 4
    # Eric's own booking from the shop is untouched.
    assert Booking.objects.get(sale_line__sale=online).cancelled_at is None
    # In Eric's « Vos réservations » only the shop booking is left.
    shop.reload()
    expect(booked).to_have_count(1)
    expect(booked).to_contain_text(online.number)
    expect(booked).to_contain_text("2 participants")
    shop.screenshot(path=shots / "4-member-bookings.png", full_page=True)
    context.close()
