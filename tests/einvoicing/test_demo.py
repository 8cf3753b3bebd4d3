"""The demo: e-invoicing in test mode against the local stand-in."""

from __future__ import annotations

import pytest

from comptoir.alerts.models import Alert, AlertKind
from comptoir.demo.world import REFUSED_SIREN, load_demo
from comptoir.einvoicing import standin as standin_module
from comptoir.einvoicing.models import EReport, Transmission, TransmissionState
from comptoir.einvoicing.services.sync import sync
from comptoir.invoicing.models import Invoice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def local_standin(settings, tmp_path):
    settings.EINVOICING_LOCAL_STANDIN = True
    settings.EINVOICING_STANDIN_TICK = 3600  # the test moves statuses itself
    settings.EINVOICING_STANDIN_REFUSALS = {REFUSED_SIREN: "Commande inconnue"}
    settings.VAR_DIR = tmp_path
    yield
    if standin_module._LOCAL is not None:
        standin_module._LOCAL.stop()
        standin_module._LOCAL = None


def test_the_demos_b2b_invoices_are_transmitted_then_cashed_and_reported(
    local_standin,
):
    load_demo()

    eric_docs = Invoice.objects.filter(client__email="eric.bay@example.com")
    transmissions = Transmission.objects.filter(document__in=eric_docs)
    assert transmissions.count() == eric_docs.count() == 5
    assert set(transmissions.values_list("state", flat=True)) == {
        TransmissionState.SUBMITTED
    }
    # Entries and snacks: services, paid → "Encaissée"; socks: goods → "Déposée".
    codes = sorted(transmissions.values_list("status_code", flat=True))
    assert codes.count("212") == 2
    assert "200" in codes

    report = EReport.objects.get()
    day_totals = report.totals["by_rate"]["transactions"]
    assert day_totals["20.00"]["total"] == "97.00"  # 2×30 + 30 + 2×3.50
    assert day_totals["10.00"]["total"] == "20.00"
    assert report.state == "accepted"

    # The stand-in refuses NOVACORP's invoice: an alert with the reason.
    standin_module._LOCAL.advance(3)
    sync()
    alert = Alert.objects.get(kind=AlertKind.EINVOICE_REJECTED)
    assert "Commande inconnue" in alert.message

    # Loading again sends nothing more.
    flows = len(standin_module._LOCAL.submitted())
    load_demo()
    assert len(standin_module._LOCAL.submitted()) == flows
