"""Stripe delivering the same payment several times at once (both events,
each twice, in parallel): one payment, one sale number, one invoice.

PostgreSQL only (set DATABASE_URL): threads with their own connections, so
the row locks are real and contended.
"""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connections

from comptoir.invoicing.models import Invoice
from comptoir.payments.models import EventOutcome, ProviderEvent
from comptoir.sales.models import Payment, Sale, SaleStatus
from tests.payments.conftest import checkout, webhook_poster

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]


def test_parallel_duplicate_webhooks_pay_the_sale_once(
    organization, products, as_member, standin, stripe_account
):
    _, session = checkout(as_member, organization, products)
    standin.pay(session.session_id)
    events = standin.take() * 3  # completed + succeeded, three times each
    post = webhook_poster(organization)
    barrier = threading.Barrier(len(events))
    statuses: list[int] = []

    def deliver(body: bytes) -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(post(body, standin.headers_for(body)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(body,)) for _, body in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * len(events)
    sale = Sale.objects.get(pk=session.sale_id)
    assert sale.status == SaleStatus.PAID
    assert Payment.objects.filter(sale=sale).count() == 1
    assert Invoice.objects.filter(sale=sale).count() == 1
    outcomes = list(
        ProviderEvent.objects.filter(sale=sale)
        .exclude(event_type="session.created")
        .values_list("outcome", flat=True)
    )
    assert outcomes.count(EventOutcome.ACCEPTED) == 1
    assert len(outcomes) == len(events)
