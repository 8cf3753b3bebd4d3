"""After a refused save of a client record, the page says what is stored:
never a green "Fiche complète" beside "La fiche n'est pas enregistrée"."""

from html import unescape

import pytest
from django.urls import reverse

from comptoir.customers.models import Client
from tests import factories
from tests.backoffice.test_clients import record

pytestmark = pytest.mark.django_db

NOT_SAVED = "La fiche n'est pas enregistrée"
COMPLETE = "Fiche complète"


def test_completing_fields_with_one_error_does_not_claim_a_complete_record(
    as_manager, park, group
):
    client = factories.client(park, groups=[group], complete=False)
    # Every invoice field typed, but the SIRET's check digit is wrong.
    data = record(email=client.email, siret="324 567 890 00012")
    response = as_manager.post(reverse("backoffice:client", args=[client.pk]), data)
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert NOT_SAVED in page
    assert COMPLETE not in page
    assert 'class="notice ok"' not in page
    assert "la fiche enregistrée reste incomplète pour la facturation" in page
    assert "Raison sociale" in page.split('data-testid="record-state"')[1][:400]
    # The typed values stay in the form, and nothing was stored.
    assert 'value="BAYCORP INC"' in page
    assert Client.objects.get(pk=client.pk).company_name == ""


def test_a_complete_record_with_a_refused_change_says_nothing_was_changed(
    as_manager, park, group
):
    client = factories.client(park, groups=[group])
    data = record(email=client.email, postcode="8953")
    response = as_manager.post(reverse("backoffice:client", args=[client.pk]), data)
    page = unescape(response.content.decode())
    assert NOT_SAVED in page
    assert COMPLETE not in page
    assert "la fiche enregistrée reste complète pour la facturation" in page
