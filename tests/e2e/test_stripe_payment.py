"""Issue 10 in a real browser, against the local Stripe stand-in: the manager
configures Stripe, the member pays on the provider's page, the confirmation
waits for the webhook, the invoice is in « Vos factures », and a refund from
the back office produces the credit note once Stripe confirms it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from comptoir.demo.world import PASSWORD, load_demo
from comptoir.invoicing.models import DocumentKind, Invoice
from comptoir.payments.models import ProviderRefund, RefundStatus
from comptoir.sales.models import Sale, SaleStatus
from tests.payments.stripe_standin import StripeStandIn

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods"
        ":pytest.PytestRemovedIn10Warning"
    ),
]

ERIC = "eric.bay@example.com"
MANAGER = "manager@example.com"


@pytest.fixture
def standin(settings):
    with StripeStandIn() as server:
        settings.STRIPE_API_BASE = server.base_url
        yield server


def staff_login(page: Page, base: str) -> None:
    page.goto(f"{base}/backoffice/connexion/")
    page.get_by_label("Adresse email").fill(MANAGER)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def member_login(page: Page, base: str) -> None:
    page.goto(f"{base}/try/espace-membre/connexion/")
    page.get_by_label("Adresse email").fill(ERIC)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("h1.greeting")).to_contain_text("Bienvenue")


def test_a_member_pays_through_stripe_and_a_refund_gives_the_credit_note(
    page: Page, live_server, standin, artifacts
):
    load_demo()
    base = live_server.url
    webhook_url = f"{base}/try/paiement/notification/stripe/"

    # The manager chooses Stripe and enters its keys.
    staff_login(page, base)
    page.get_by_role("link", name="Paiement en ligne").click()
    page.get_by_label("Prestataire").select_option("stripe")
    page.get_by_label("Clé publiable").fill(standin.publishable_key)
    page.get_by_label("Clé secrète").fill(standin.secret_key)
    page.get_by_label("Secret de signature des webhooks").fill(standin.webhook_secret)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Réglages du paiement")
    expect(page.get_by_test_id("masked-secret")).to_have_text("sk_test_…6789")
    expect(page.locator("body")).not_to_contain_text(standin.secret_key)
    expect(page.get_by_test_id("webhook-url")).to_have_text(webhook_url)
    page.get_by_role("button", name="Tester la connexion").click()
    expect(page.get_by_test_id("check-result")).to_contain_text("valide")
    page.screenshot(path=artifacts / "backoffice-payment-settings.png", full_page=True)
    page.get_by_role("button", name="Se déconnecter").click()

    # The member buys and is sent to Stripe's (stand-in) page.
    member_login(page, base)
    page.goto(f"{base}/try/")
    card = page.locator('[data-testid="product"]').filter(
        has=page.get_by_role("heading", name="Entrée Jump 1h", exact=True)
    )
    card.get_by_role("button", name="Ajouter").click()
    page.goto(f"{base}/try/panier/")
    page.get_by_role("link", name="Commander").click()
    expect(page.locator("body")).to_contain_text("Carte bancaire (Stripe)")
    page.get_by_test_id("pay").click()
    expect(page).to_have_url(re.compile(re.escape(standin.base_url) + "/pay/cs_test_"))
    expect(page.get_by_test_id("standin-amount")).to_have_text("26.00 €")
    page.get_by_role("button", name="Payer").click()

    # Back on the shop: paid only when the webhook comes.
    expect(page).to_have_url(re.compile(r"/try/commande/.+session_id=cs_test_"))
    expect(page.locator("h1")).to_contain_text("Paiement en cours de confirmation")
    sale = Sale.objects.get(client__email=ERIC, status=SaleStatus.PENDING)
    assert not Invoice.objects.filter(sale=sale).exists()

    assert standin.deliver(webhook_url) == [200, 200]
    # The page refreshes itself every 3 s.
    expect(page.locator("h1")).to_contain_text(
        "votre commande est confirmée", timeout=15_000
    )
    sale.refresh_from_db()
    invoice = Invoice.objects.get(sale=sale, kind=DocumentKind.INVOICE)
    expect(page.locator('[data-testid="invoice-status"]')).to_contain_text(
        "Votre facture est prête."
    )

    page.get_by_role("link", name="Espace membre").click()
    page.locator('[data-testid="menu-invoices"]').click()
    expect(page.locator('[data-testid="invoice-row"]').first).to_contain_text(
        invoice.number
    )
    page.get_by_role("button", name="Déconnexion").click()

    # The manager refunds everything: the credit note waits for Stripe.
    staff_login(page, base)
    page.goto(f"{base}/backoffice/ventes/{sale.public_id}/")
    expect(page.get_by_test_id("provider-log")).to_contain_text(
        "checkout.session.completed"
    )
    page.get_by_label("Remboursé par").select_option("online_card")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tout rembourser").click()
    expect(page.locator("body")).to_contain_text("dès sa confirmation")
    expect(page.get_by_test_id("provider-refunds")).to_contain_text(
        "en attente du prestataire"
    )
    assert not Invoice.objects.filter(sale=sale, kind=DocumentKind.CREDIT_NOTE).exists()

    refund = ProviderRefund.objects.get(sale=sale)
    standin.settle_refund(refund.provider_refund_id)
    assert set(standin.deliver(webhook_url)) == {200}

    page.reload()
    note = Invoice.objects.get(sale=sale, kind=DocumentKind.CREDIT_NOTE)
    expect(page.get_by_test_id("invoice-panel")).to_contain_text(note.number)
    expect(page.get_by_test_id("provider-refunds")).to_contain_text("accepté")
    assert ProviderRefund.objects.get(sale=sale).status == RefundStatus.SUCCEEDED
    page.screenshot(path=artifacts / "backoffice-stripe-refund.png", full_page=True)
