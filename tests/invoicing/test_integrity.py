"""`verify_invoices` finds tampering done behind the application's back."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from comptoir.invoicing.models import Invoice
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(park, member, products):
    for _ in range(3):
        factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1))
        )
    return list(Invoice.objects.order_by("sequence"))


def test_intact_chain_verifies(invoices, capsys):
    call_command("verify_invoices")
    assert "3 documents vérifiés" in capsys.readouterr().out
    assert invoices[1].previous_hash == invoices[0].hash


def test_amount_altered_in_sql_is_reported_with_its_number(invoices):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoicing_invoice SET total_incl = '3.00' WHERE id = %s",
            [invoices[1].pk],
        )
    with pytest.raises(CommandError, match=invoices[1].number):
        call_command("verify_invoices")


def test_snapshot_altered_in_sql_is_reported(invoices):
    doc = invoices[0]
    snapshot = dict(doc.snapshot, buyer={**doc.snapshot["buyer"], "company_name": "X"})
    Invoice.objects.filter(pk=doc.pk).update(snapshot=snapshot)
    with pytest.raises(CommandError, match="contenu modifié"):
        call_command("verify_invoices")


def test_removed_row_is_reported_as_a_gap(invoices):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s",
            [invoices[1].pk],
        )
        cursor.execute("DELETE FROM invoicing_invoice WHERE id = %s", [invoices[1].pk])
    with pytest.raises(CommandError, match=invoices[2].number):
        call_command("verify_invoices")
