"""`seal_invoices` seals existing chains with the key, never a tampered one."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from comptoir.core.models import Counter
from comptoir.invoicing.integrity import legacy_hash_of
from comptoir.invoicing.models import Invoice
from comptoir.invoicing.services.documents import render_and_store
from tests import factories

pytestmark = pytest.mark.django_db

OLD_KEY = "old-integrity-key-" + "o" * 30
NEW_KEY = "new-integrity-key-" + "n" * 30


def _issue(park, member, products, n=3):
    for _ in range(n):
        factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1))
        )
    for doc in Invoice.objects.all():
        render_and_store(invoice_id=doc.pk)


def _make_legacy() -> None:
    """Put the rows back as issued before the key: unkeyed SHA-256, no seals."""
    previous = ""
    with connection.cursor() as cursor:
        for doc in Invoice.objects.order_by("sequence"):
            doc.previous_hash = previous
            digest = legacy_hash_of(doc)
            cursor.execute(
                "UPDATE invoicing_invoice SET previous_hash = %s, hash = %s, "
                "pdf_seal = '' WHERE id = %s",
                [previous, digest, doc.pk],
            )
            previous = digest
        cursor.execute(
            "UPDATE core_counter SET last_hash = %s, seal = '' "
            "WHERE key = 'doc:invoice'",
            [previous],
        )


def test_legacy_chains_fail_verification_until_sealed(park, member, products, capsys):
    _issue(park, member, products)
    _make_legacy()
    with pytest.raises(CommandError):
        call_command("verify_invoices")
    with pytest.raises(CommandError):
        call_command("seal_invoices")  # unkeyed hashes need the explicit flag
    call_command("seal_invoices", "--unkeyed")
    assert "3 documents scellés" in capsys.readouterr().out
    call_command("verify_invoices")


def test_unkeyed_hashes_are_refused_once_the_database_is_sealed(park, member, products):
    """A database user rewriting a sealed series as an unkeyed chain cannot
    have it sealed again."""
    _issue(park, member, products)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoicing_invoice SET total_incl = '1.00' WHERE sequence = 2"
        )
    _make_legacy()
    Invoice.objects.update(pdf_seal="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_counter SET seal = 'x' WHERE key = 'doc:invoice'")
    with pytest.raises(CommandError, match="déjà scellée"):
        call_command("seal_invoices", "--unkeyed")


def test_a_tampered_legacy_chain_is_refused_and_nothing_is_written(
    park, member, products
):
    _issue(park, member, products)
    _make_legacy()
    target = Invoice.objects.order_by("sequence")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE invoicing_invoice SET total_incl = '1.00' WHERE id = %s",
            [target.pk],
        )
    before = list(Invoice.objects.order_by("pk").values_list("hash", flat=True))
    with pytest.raises(CommandError, match=target.number):
        call_command("seal_invoices", "--unkeyed")
    after = list(Invoice.objects.order_by("pk").values_list("hash", flat=True))
    assert after == before
    assert Counter.objects.get(key="doc:invoice").seal == ""


def test_a_deleted_newest_legacy_document_is_refused(park, member, products):
    _issue(park, member, products)
    _make_legacy()
    newest = Invoice.objects.order_by("-sequence").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [newest.pk]
        )
        cursor.execute("DELETE FROM invoicing_invoice WHERE id = %s", [newest.pk])
    with pytest.raises(CommandError, match="compteur"):
        call_command("seal_invoices", "--unkeyed")


def test_changing_the_key_needs_the_previous_one_to_reseal(
    park, member, products, monkeypatch
):
    with override_settings(COMPTOIR_INTEGRITY_KEY=OLD_KEY):
        _issue(park, member, products)
        call_command("verify_invoices")
    with override_settings(COMPTOIR_INTEGRITY_KEY=NEW_KEY):
        with pytest.raises(CommandError):
            call_command("verify_invoices")
        monkeypatch.delenv("COMPTOIR_INTEGRITY_PREVIOUS_KEY", raising=False)
        with pytest.raises(CommandError):
            call_command("seal_invoices")
        monkeypatch.setenv("COMPTOIR_INTEGRITY_PREVIOUS_KEY", OLD_KEY)
        call_command("seal_invoices")
        call_command("verify_invoices")


def test_sealing_twice_changes_nothing(park, member, products):
    _issue(park, member, products)
    before = list(Invoice.objects.order_by("pk").values_list("hash", "pdf_seal"))
    call_command("seal_invoices")
    assert list(Invoice.objects.order_by("pk").values_list("hash", "pdf_seal")) == (
        before
    )


@override_settings(COMPTOIR_INTEGRITY_KEY="")
def test_nothing_is_issued_without_a_key(park, member, products):
    """The automatic invoice fails (and alerts) rather than seal with no key."""
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    assert not Invoice.objects.filter(sale=sale).exists()
    assert "COMPTOIR_INTEGRITY_KEY" in sale.alerts.get().message
