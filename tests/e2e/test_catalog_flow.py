"""The catalogue in a real browser: a manager sets up a booking product with
a group price and slots; a member of the group books it in the private shop
and sees the places left; the refund of one place gives it back.

Screenshots (1280 px) of the product page and the member's cart are written
to test-artifacts/; every table of the catalogue fits the window.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from comptoir.catalog.models import Product
from comptoir.sales.models import Sale
from comptoir.sales.places import remaining_places
from comptoir.sales.services import refund_sale
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]


def _staff_login(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def _tables_fit(page: Page) -> None:
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('table')]
            .filter(t => t.getBoundingClientRect().right > window.innerWidth + 1)
            .map(t => t.dataset.testid || t.className)"""
    )
    assert overflowing == []


def _next_saturday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day


def test_a_manager_sets_up_a_booking_that_a_member_books_in_the_private_shop(
    page: Page, live_server, artifacts
):
    org = factories.organization()
    park = factories.park(org, name="TRY Trampoline Park")
    group = factories.group(org, name="Groupe CE privilège")
    member = factories.client(park, groups=[group], with_account=True)
    manager = factories.staff(org, role="manager")
    base = live_server.url

    _staff_login(page, base, manager.email)
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_role("link", name="Nouveau produit").click()
    page.get_by_label("Nom", exact=True).fill("Escape game 1h")
    page.get_by_label("Type").select_option("booking")
    page.get_by_label("Prix TTC (€)").fill("24,00")
    page.get_by_label("Taux de TVA").select_option("20.00")
    page.get_by_label("En vente dans la boutique publique").uncheck()
    page.get_by_role("button", name="Créer le produit").click()
    expect(page.get_by_text("Produit créé.")).to_be_visible()

    page.get_by_label("Groupe de clients").select_option(label=group.name)
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
    _tables_fit(page)
    page.screenshot(path=artifacts / "backoffice-product.png", full_page=True)
    product = Product.objects.get(name="Escape game 1h")
    assert product.slot_schedule.capacity == 6
    assert product.group_prices.get().price_incl == Decimal("20.00")

    # The member of the group books 2 places of a Saturday slot.
    context = page.context.browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    shop = context.new_page()
    slug = org.slug
    shop.goto(f"{base}/{slug}/espace-membre/connexion/")
    shop.get_by_label("Adresse email").fill(member.email)
    shop.get_by_label("Mot de passe").fill(factories.PASSWORD)
    shop.get_by_role("button", name="Se connecter").click()
    shop.goto(f"{base}/{slug}/")
    card = shop.locator(f"#produit-{product.pk}")
    expect(card).to_contain_text("20,00")
    card.get_by_label(re.compile("Quantité")).fill("2")
    card.get_by_role("button", name="Ajouter").click()
    saturday = _next_saturday()
    shop.get_by_label("Date").fill(saturday.isoformat())
    shop.get_by_role("button", name="Valider le créneau").click()
    expect(shop.get_by_test_id("places-left")).to_contain_text("6 places restantes")
    shop.get_by_role("link", name="Commander").click()
    shop.get_by_test_id("pay").click()
    shop.get_by_role("button", name=re.compile(r"^Payer")).click()
    shop.wait_for_url(re.compile(rf"/{slug}/commande/"))
    shop.screenshot(path=artifacts / "shop-booking-confirmation.png", full_page=True)
    sale = Sale.objects.get(client=member)
    start = sale.lines.get().booking_start
    assert start.date() == saturday
    assert remaining_places(product=product, starts_at=start) == 4
    context.close()

    # One place refunded: it is free again.
    refund_sale(
        sale=sale,
        quantities={sale.lines.get().pk: 1},
        method="online_card",
        actor=manager,
        reason="Un joueur absent",
    )
    page.goto(f"{base}/backoffice/catalogue/{product.pk}/?jour={saturday}")
    expect(page.get_by_test_id("availability")).to_contain_text("5 / 6")
