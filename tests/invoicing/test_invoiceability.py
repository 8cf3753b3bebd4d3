""" "Can this sale be invoiced now, and if not why": one rule, two callers.

Issuing raises the rule's refusal and the back office's sale page shows the
rule's reason; each case drives both.
"""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from comptoir.invoicing.exceptions import (
    AlreadyInvoiced,
    IncompleteClientRecord,
    NotInvoiceable,
)
from comptoir.invoicing.services import invoiceability, issue_invoices
from comptoir.sales.models import Channel
from comptoir.sales.services import create_sale
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def snack(park):
    return factories.basket(factories.products(park), ("snack", 1))


def page_state(manager, sale):
    http = HttpClient()
    http.force_login(manager)
    return http.get(reverse("backoffice:sale", args=[sale.public_id])).context["state"]


def test_an_unpaid_sale_cannot_be_invoiced(park, member, snack, manager):
    sale = factories.online_sale(park, member, snack)
    assert invoiceability(sale).reason == "not_paid"
    with pytest.raises(NotInvoiceable, match="payée"):
        issue_invoices(sale=sale)


def test_a_sale_without_client_cannot_be_invoiced(park, snack, manager):
    sale = factories.pay(
        create_sale(park=park, client=None, channel=Channel.COUNTER, items=snack)
    ).sale
    assert invoiceability(sale).reason == "no_client"
    with pytest.raises(NotInvoiceable, match="pas de client"):
        issue_invoices(sale=sale)
    state = page_state(manager, sale)
    assert (state.can_issue, state.blocked_reason) == (False, "no_client")


def test_an_incomplete_record_is_refused_with_its_missing_fields(park, snack, manager):
    client = factories.client(park, city="")
    sale = factories.paid_online_sale(park, client, snack)
    rule = invoiceability(sale)
    assert (rule.reason, rule.missing) == ("incomplete", ["city"])
    with pytest.raises(IncompleteClientRecord) as refused:
        issue_invoices(sale=sale)
    assert refused.value.missing == ["city"]
    state = page_state(manager, sale)
    assert (state.can_issue, state.missing) == (False, ["city"])


def test_a_complete_record_can_be_invoiced_once(park, snack, manager):
    client = factories.client(park)
    sale = factories.paid_online_sale(park, client, snack)
    assert invoiceability(sale).can_issue
    assert page_state(manager, sale).can_issue
    issue_invoices(sale=sale)
    rule = invoiceability(sale)
    assert (rule.can_issue, rule.reason) == (False, "nothing_to_invoice")
    with pytest.raises(AlreadyInvoiced):
        issue_invoices(sale=sale)
    state = page_state(manager, sale)
    assert (state.can_issue, state.missing) == (False, [])


def test_an_invoiced_sale_whose_record_became_incomplete_asks_for_nothing(
    park, snack, manager
):
    client = factories.client(park)
    sale = factories.paid_online_sale(park, client, snack)
    issue_invoices(sale=sale)
    client.city = ""
    client.save()
    sale.refresh_from_db()
    assert invoiceability(sale).reason == "nothing_to_invoice"
    with pytest.raises(AlreadyInvoiced):
        issue_invoices(sale=sale)
    assert page_state(manager, sale).missing == []
