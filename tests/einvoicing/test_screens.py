"""The screens: the manager's setting, the sale's statuses, "Vos factures",
the e-reports and the alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from comptoir.core.models import AuditEvent
from comptoir.einvoicing.models import EInvoicingSettings, EReport
from comptoir.einvoicing.services.reporting import create_report, send_report
from comptoir.invoicing.models import Invoice
from tests import factories
from tests.backoffice.conftest import signed_in

from .conftest import TOKEN

pytestmark = pytest.mark.django_db(transaction=True)


def _settings_form(**overrides):
    data = {
        "mode": "test",
        "base_url": "",
        "directory_url": "",
        "api_key": "",
        "webhook_secret": "",
        "reporting_period": "decade",
    }
    data.update(overrides)
    return data


def test_the_manager_saves_the_setting_and_the_credentials_are_stored_encrypted(
    organization, park, manager, standin
):
    http = signed_in(manager)
    response = http.post(
        reverse("backoffice:einvoicing"),
        _settings_form(base_url=standin.url, api_key=TOKEN, webhook_secret="whsec-1"),
    )
    assert response.status_code == 302
    config = EInvoicingSettings.objects.get(organization=organization)
    assert (config.mode, config.base_url, config.api_key) == (
        "test",
        standin.url,
        TOKEN,
    )
    assert config.enabled_at is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT api_key, webhook_secret FROM einvoicing_einvoicingsettings"
        )
        raw_key, raw_secret = cursor.fetchone()
    assert TOKEN not in raw_key and "whsec-1" not in raw_secret
    event = AuditEvent.objects.get(action="einvoicing.settings.updated")
    assert event.actor == manager
    assert "api_key" in event.data["fields"]
    assert TOKEN not in str(event.data)

    # Saving again with the secret fields empty keeps the stored secrets.
    http.post(reverse("backoffice:einvoicing"), _settings_form(base_url=standin.url))
    config.refresh_from_db()
    assert config.api_key == TOKEN and config.webhook_secret == "whsec-1"
    page = http.get(reverse("backoffice:einvoicing")).content.decode()
    assert TOKEN not in page and "Jeton d'accès enregistré (chiffré)" in page


def test_production_needs_an_https_address_and_a_token(organization, park, manager):
    http = signed_in(manager)
    response = http.post(
        reverse("backoffice:einvoicing"),
        _settings_form(mode="production", base_url="http://pa.example/api"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "doit commencer par https://" in page
    assert "le jeton d&#x27;accès est obligatoire" in page
    assert not EInvoicingSettings.objects.filter(mode="production").exists()


def test_test_the_connection_calls_the_platforms_healthcheck(
    organization, park, manager, einvoicing, standin
):
    http = signed_in(manager)
    response = http.post(reverse("backoffice:einvoicing"), {"test": "1"}, follow=True)
    assert "Connexion réussie" in response.content.decode()

    standin.stop()
    response = http.post(reverse("backoffice:einvoicing"), {"test": "1"}, follow=True)
    assert "Connexion impossible" in response.content.decode()
    results = list(
        AuditEvent.objects.filter(action="einvoicing.settings.tested")
        .order_by("pk")
        .values_list("data__ok", flat=True)
    )
    assert results == [True, False]


def test_a_cashier_cannot_open_the_setting(organization, park, cashier):
    http = signed_in(cashier)
    assert http.get(reverse("backoffice:einvoicing")).status_code == 403
    assert (
        http.post(reverse("backoffice:einvoicing"), _settings_form()).status_code == 403
    )
    assert not EInvoicingSettings.objects.exists()


def test_the_sale_page_shows_each_documents_status_history(
    park, member, products, einvoicing, standin, cashier
):
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    page = signed_in(cashier).get(reverse("backoffice:sale", args=[sale.public_id]))
    html = page.content.decode()
    assert 'data-testid="einvoicing-panel"' in html
    assert invoice.number in html
    assert html.index("Déposée") < html.rindex("Encaissée")
    assert "Statut de facturation électronique : Encaissée" in html  # the trail
    assert "Transmis à la plateforme agréée" in html


def test_vos_factures_shows_transmise_then_encaissee(
    park, member, products, einvoicing, standin
):
    goods = factories.paid_online_sale(
        park, member, factories.basket(products, ("socks", 1))
    )
    http = HttpClient()
    http.force_login(member.user)
    url = reverse("members:invoices", kwargs={"org_slug": park.organization.slug})
    html = http.get(url).content.decode()
    number = Invoice.objects.get(sale=goods).number
    row = html[html.index(number) :]
    assert row[: row.index("</td>")].count("Transmise") == 1

    services = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    html = http.get(url).content.decode()
    number = Invoice.objects.get(sale=services).number
    row = html[html.index(number) :]
    assert "Encaissée" in row[: row.index("</td>")]


def test_the_e_reports_are_listed_with_totals_and_can_be_sent_again(
    park, products, einvoicing, standin, manager
):
    from comptoir.sales.models import Channel

    sale = factories.create_sale(
        park=park,
        client=None,
        channel=Channel.COUNTER,
        items=factories.basket(products, ("ticket", 2)),
    )
    factories.pay(sale)
    sale.refresh_from_db()
    report = create_report(park=park, start=sale.sale_date, end=sale.sale_date)
    send_report(report_id=report.pk)
    http = signed_in(manager)
    html = http.get(reverse("backoffice:ereports")).content.decode()
    assert report.number in html
    assert "50,00\u00a0€ HT, 10,00\u00a0€ TVA, 60,00\u00a0€ TTC" in html
    assert "Accepté" in html

    http.post(reverse("backoffice:ereports"), {"resend": str(report.public_id)})
    assert EReport.objects.get(pk=report.pk).sends == 2
    assert len(standin.submitted(syntax="FRR")) == 2


def test_a_refusal_shows_in_the_alerts_with_its_reason(
    park, member, products, einvoicing, standin, cashier
):
    standin.refusals[member.siren] = "Bon de commande manquant"
    factories.paid_online_sale(park, member, factories.basket(products, ("socks", 1)))
    standin.advance(3)
    from comptoir.einvoicing.services.sync import sync

    sync(now=dt.datetime.now(dt.UTC))
    html = signed_in(cashier).get(reverse("backoffice:alerts")).content.decode()
    assert "Facture électronique rejetée ou refusée" in html
    assert "Bon de commande manquant" in html


def test_the_setting_page_reads_in_english(organization, park, manager):
    http = signed_in(manager)
    http.cookies["django_language"] = "en"
    html = http.get(reverse("backoffice:einvoicing")).content.decode()
    assert "Test the connection" in html
    assert "Access token" in html
    assert "Tester la connexion" not in html


def test_a_transmission_waiting_for_a_retry_shows_its_attempts_and_error(
    park, member, products, einvoicing, standin, cashier
):
    standin.fail_next = 1
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("socks", 1))
    )
    html = signed_in(cashier).get(reverse("backoffice:sale", args=[sale.public_id]))
    text = html.content.decode()
    assert "En cours de transmission" in text
    assert "Tentatives : 1" in text and "HTTP 503" in text
    assert "prochain essai le" in text


def test_the_sweep_command_retries_what_is_due(
    park, member, products, einvoicing, standin
):
    from io import StringIO

    from django.core.management import call_command

    from comptoir.einvoicing.models import Transmission

    standin.fail_next = 1
    factories.paid_online_sale(park, member, factories.basket(products, ("socks", 1)))
    Transmission.objects.update(next_attempt_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    out = StringIO()
    call_command("einvoicing_sync", stdout=out)
    assert "1 transmis" in out.getvalue()
    assert Transmission.objects.get().state == "submitted"
