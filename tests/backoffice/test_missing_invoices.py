"""Generate the missing invoices: issue what can be, report the rest."""

import pytest
from django.urls import reverse

from comptoir.alerts.models import Alert, AlertStatus
from comptoir.backoffice.views import invoices as invoice_views
from comptoir.customers.models import CustomerGroup
from comptoir.invoicing.services.bulk import (
    issue_missing_invoices,
    sales_missing_invoice,
)
from comptoir.sales.services import record_counter_sale, refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

MISSING = reverse("backoffice:missing_invoices")


@pytest.fixture
def backlog(organization, park, products, cashier):
    """Sales left without invoice while the switch was off, and some not due."""
    group = factories.group(organization, online_invoices=False)
    complete = factories.client(park, groups=[group], last_name="COMPLET")
    partial = factories.client(
        park, groups=[group], complete=False, last_name="PARTIEL"
    )
    outsider = factories.client(park, last_name="HORSGROUPE")
    items = factories.basket(products, ("ticket", 1))
    sales = {
        "online": factories.paid_online_sale(park, complete, items),
        "counter": record_counter_sale(
            park=park, client=complete, items=items, method="cash", cashier=cashier
        ),
        "incomplete": factories.paid_online_sale(park, partial, items),
        "outsider": factories.paid_online_sale(park, outsider, items),
        "refunded": factories.paid_online_sale(park, complete, items),
    }
    refund_sale(
        sale=sales["refunded"],
        quantities=None,
        method="cash",
        actor=cashier,
        reason="x",
    )
    CustomerGroup.objects.filter(pk=group.pk).update(online_invoices=True)
    return sales


def test_candidates_are_paid_unbilled_sales_of_eligible_clients(organization, backlog):
    candidates = set(sales_missing_invoice(organization.pk))
    assert candidates == {backlog["online"], backlog["counter"], backlog["incomplete"]}


def test_it_issues_what_it_can_and_says_why_not_for_the_rest(
    organization, manager, backlog
):
    report = issue_missing_invoices(organization=organization, actor=manager)

    assert {i.sale_number for i in report.issued} == {
        backlog["online"].number,
        backlog["counter"].number,
    }
    assert backlog["online"].invoices.get().issued_by == manager
    [failure] = report.not_issued
    assert failure.sale_number == backlog["incomplete"].number
    assert failure.missing == ["company_name", "address", "postcode", "city"]
    assert "Fiche client incomplète" in failure.reason
    assert report.remaining == 0
    assert Alert.objects.get(sale=backlog["incomplete"]).status == AlertStatus.OPEN
    assert not backlog["outsider"].invoices.exists()
    assert not backlog["refunded"].invoices.exists()


def test_batches_skip_what_was_already_reported(organization, manager, backlog):
    first = issue_missing_invoices(organization=organization, actor=manager, limit=1)
    assert len(first.issued) + len(first.not_issued) == 1
    assert first.remaining == 2
    skip = [n.sale_id for n in first.not_issued]
    second = issue_missing_invoices(
        organization=organization, actor=manager, limit=5, skip_sale_ids=skip
    )
    assert second.remaining == 0
    assert len(first.issued) + len(second.issued) == 2


def test_the_page_runs_in_batches_shows_progress_and_the_report(
    as_manager, manager, backlog, monkeypatch
):
    monkeypatch.setattr(invoice_views, "BATCH_SIZE", 2)
    page = as_manager.get(MISSING).content.decode()
    assert "<strong>3</strong> ventes attendent leur facture." in page
    assert "Manque : Raison sociale" in page

    as_manager.post(MISSING, {"action": "start"})
    progress = as_manager.get(MISSING)
    assert progress.context["processed"] == 2
    assert progress.context["total"] == 3
    content = progress.content.decode()
    assert "Génération en cours" in content
    assert "data-autosubmit" in content
    assert '<progress max="3" value="2">' in content

    as_manager.post(MISSING, {"action": "continue"})
    done = as_manager.get(MISSING)
    content = done.content.decode()
    assert done.context["run"]["done"] is True
    assert done.context["run"]["issued_count"] == 2
    assert "Terminé" in content
    assert "data-autosubmit" not in content
    assert backlog["incomplete"].number in content
    assert (
        "Fiche client incomplète — champs manquants : Raison sociale, Adresse, "
        "Code postal, Ville" in content
    )
    assert backlog["online"].invoices.exists() and backlog["counter"].invoices.exists()

    as_manager.post(MISSING, {"action": "reset"})
    again = as_manager.get(MISSING).content.decode()
    assert "<strong>1</strong> vente attend sa facture." in again


def test_nothing_missing_says_so(as_manager, park):
    content = as_manager.get(MISSING).content.decode()
    assert "Aucune facture manquante" in content
