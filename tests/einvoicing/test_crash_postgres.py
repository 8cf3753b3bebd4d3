"""A worker killed mid-submission, and workers racing for one document, on
PostgreSQL with real processes: still exactly one flow per document.

Runs on PostgreSQL only (set DATABASE_URL); CI always runs it.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from comptoir.einvoicing.models import Transmission, TransmissionState
from comptoir.einvoicing.services.sync import sync
from comptoir.einvoicing.services.transmission import submit_transmission
from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]
LATER = dt.timedelta(minutes=1)


def _pending_transmission(park, member, products, standin) -> Transmission:
    """A document whose first attempt failed: due again a minute later."""
    standin.fail_next = 1
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("socks", 1))
    )
    transmission = Transmission.objects.get(document=Invoice.objects.get(sale=sale))
    assert transmission.state == TransmissionState.PENDING
    return transmission


def _submit(transmission_id: int, at: dt.datetime) -> str:
    result = submit_transmission(transmission_id=transmission_id, now=at)
    connection.close()
    return result.state


def test_a_worker_killed_while_the_platform_holds_its_flow_leaves_one_flow(
    park, member, products, einvoicing, standin
):
    transmission = _pending_transmission(park, member, products, standin)
    standin.hang_next = 1  # the PA stores the flow, the worker waits for the answer
    at = timezone.now() + LATER
    connections.close_all()
    worker = multiprocessing.get_context("fork").Process(
        target=_submit, args=(transmission.pk, at)
    )
    worker.start()
    deadline = time.monotonic() + 30
    while not standin.submitted(syntax="Factur-X") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(standin.submitted(syntax="Factur-X")) == 1
    os.kill(worker.pid, signal.SIGKILL)
    worker.join()
    assert worker.exitcode == -signal.SIGKILL

    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTING  # what it left
    assert transmission.flow_id == ""
    sync(now=at)  # its claim still holds: nobody sends meanwhile
    assert len(standin.submitted(syntax="Factur-X")) == 1

    sync(now=at + dt.timedelta(minutes=6))  # the claim expired
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTED
    assert len(standin.submitted(syntax="Factur-X")) == 1
    assert transmission.flow_id == standin.flow_for(transmission.tracking_id)["flowId"]


def test_workers_racing_for_one_document_send_one_flow(
    park, member, products, einvoicing, standin
):
    transmission = _pending_transmission(park, member, products, standin)
    at = timezone.now() + LATER
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(6) as pool:
        states = pool.starmap(_submit, [(transmission.pk, at)] * 6)
    assert TransmissionState.SUBMITTED in states
    assert len(standin.submitted(syntax="Factur-X")) == 1
    transmission.refresh_from_db()
    assert transmission.state == TransmissionState.SUBMITTED
    assert transmission.attempts == 2  # the failed one, then one winner
