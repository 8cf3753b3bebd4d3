"""`verify_invoices` catches every change a database user can make with SQL.

Each test changes the stored rows behind the application's back, the way
someone holding only the database would, and expects the named failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings

from comptoir.core.models import Counter
from comptoir.core.numbering import lock_counter
from comptoir.invoicing.integrity import legacy_hash_of
from comptoir.invoicing.invariants import check_invariants
from comptoir.invoicing.models import DocumentKind, Invoice
from comptoir.invoicing.services import issue_credit_note
from comptoir.invoicing.services.documents import render_and_store
from tests import factories

pytestmark = pytest.mark.django_db

CHANGED = "contenu modifié après émission"


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def verify_fails(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("verify_invoices")


@pytest.fixture
def docs(park, member, products):
    """Three rendered invoices of one series and a full credit note of the first."""
    for _ in range(3):
        factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
        )
    invoices = Invoice.objects.filter(kind="invoice").order_by("sequence")
    note = issue_credit_note(invoice=invoices[0], reason="Erreur de saisie")
    for doc in [*invoices, note]:
        render_and_store(invoice_id=doc.pk)
    call_command("verify_invoices")
    return {
        "invoices": list(Invoice.objects.filter(kind="invoice").order_by("sequence")),
        "note": Invoice.objects.get(pk=note.pk),
    }


def test_an_untouched_database_verifies(docs, capsys):
    call_command("verify_invoices")
    assert "4 documents vérifiés" in capsys.readouterr().out
    assert check_invariants() == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("number", "FA-K0-20240101-000002"),
        ("issued_at", "2020-01-01 10:00:00"),
        ("issue_date", "2020-01-01"),
        ("sale_number", "S-200101-000001"),
        ("sale_date", "2020-01-01"),
        ("buyer_name", "QUELQU'UN D'AUTRE"),
        ("total_excl", "1.00"),
        ("total_vat", "0.20"),
        ("total_incl", "1.20"),
        ("scope", "out_of_scope"),
        ("generation", 2),
        ("is_full_credit", True),
        ("snapshot", '{"version": 1}'),
    ],
)
def test_a_changed_invoice_column_is_reported(docs, column, value):
    target = docs["invoices"][1]
    sql(f"UPDATE invoicing_invoice SET {column} = %s WHERE id = %s", [value, target.pk])
    verify_fails(CHANGED)


def test_a_snapshot_edited_inside_is_reported(docs):
    target = docs["invoices"][1]
    snapshot = dict(target.snapshot)
    snapshot["buyer"] = {**snapshot["buyer"], "postcode": "75001"}
    sql(
        "UPDATE invoicing_invoice SET snapshot = %s WHERE id = %s",
        [json.dumps(snapshot), target.pk],
    )
    verify_fails(CHANGED)


def test_an_invoice_moved_to_another_client_is_reported(docs, park):
    other = factories.client(park)
    sql(
        "UPDATE invoicing_invoice SET client_id = %s WHERE id = %s",
        [other.pk, docs["invoices"][1].pk],
    )
    verify_fails(CHANGED)


def test_an_invoice_moved_to_another_sale_is_reported(docs, park, products):
    other = factories.online_sale(
        park, factories.client(park), factories.basket(products, ("ticket", 1))
    )
    sql(
        "UPDATE invoicing_invoice SET sale_id = %s WHERE id = %s",
        [other.pk, docs["invoices"][1].pk],
    )
    verify_fails(CHANGED)


def test_a_credit_note_pointed_at_another_invoice_is_reported(docs):
    sql(
        "UPDATE invoicing_invoice SET credited_invoice_id = %s WHERE id = %s",
        [docs["invoices"][2].pk, docs["note"].pk],
    )
    verify_fails(CHANGED)


def test_a_credit_note_made_partial_is_reported(docs):
    sql(
        "UPDATE invoicing_invoice SET is_full_credit = %s WHERE id = %s",
        [False, docs["note"].pk],
    )
    verify_fails(CHANGED)


def test_a_changed_sequence_is_reported(docs):
    sql(
        "UPDATE invoicing_invoice SET sequence = 99 WHERE id = %s",
        [docs["invoices"][1].pk],
    )
    verify_fails("séquence")


def test_a_changed_stored_hash_is_reported(docs):
    sql(
        "UPDATE invoicing_invoice SET hash = %s WHERE id = %s",
        ["0" * 64, docs["invoices"][1].pk],
    )
    verify_fails(CHANGED)


@pytest.mark.parametrize(
    ("column", "value"),
    [("base", "1.00"), ("vat", "0.01"), ("total_incl", "999.00"), ("vat_rate", "5.50")],
)
def test_a_changed_tax_line_is_reported(docs, column, value):
    line = docs["invoices"][1].tax_lines.first()
    sql(
        f"UPDATE invoicing_invoicetaxline SET {column} = %s WHERE id = %s",
        [value, line.pk],
    )
    verify_fails(CHANGED)


def test_a_deleted_tax_line_is_reported(docs):
    line = docs["invoices"][1].tax_lines.first()
    sql("DELETE FROM invoicing_invoicetaxline WHERE id = %s", [line.pk])
    verify_fails(CHANGED)


def test_an_added_tax_line_is_reported(docs):
    sql(
        "INSERT INTO invoicing_invoicetaxline "
        "(invoice_id, vat_rate, vat_category, base, vat, total_incl) "
        "VALUES (%s, '20.00', 'S', '10.00', '2.00', '12.00')",
        [docs["invoices"][1].pk],
    )
    verify_fails(CHANGED)


def test_a_changed_pdf_checksum_is_reported(docs):
    sql(
        "UPDATE invoicing_invoice SET pdf_sha256 = %s WHERE id = %s",
        ["a" * 64, docs["invoices"][1].pk],
    )
    verify_fails("empreinte du PDF modifiée")


def test_a_pdf_swapped_for_another_documents_file_is_reported(docs):
    first, second = docs["invoices"][:2]
    sql(
        "UPDATE invoicing_invoice SET pdf = %s, pdf_sha256 = %s WHERE id = %s",
        [first.pdf.name, first.pdf_sha256, second.pk],
    )
    verify_fails("empreinte du PDF modifiée")


def test_a_rewritten_pdf_file_is_reported(docs):
    target = docs["invoices"][1]
    with open(target.pdf.path, "ab") as fh:
        fh.write(b"%% tampered")
    verify_fails("fichier PDF modifié ou absent")


def test_a_removed_pdf_file_is_reported(docs):
    target = docs["invoices"][1]
    target.pdf.storage.delete(target.pdf.name)
    verify_fails("fichier PDF modifié ou absent")


def test_a_deleted_middle_document_is_reported(docs):
    target = docs["invoices"][1]
    sql("DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [target.pk])
    sql("DELETE FROM invoicing_invoice WHERE id = %s", [target.pk])
    verify_fails(docs["invoices"][2].number)


def test_a_deleted_first_document_is_reported(docs):
    target = docs["note"]
    # The credit note's series: its only document.
    sql("DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [target.pk])
    sql("DELETE FROM invoicing_invoice WHERE id = %s", [target.pk])
    verify_fails("compteur à 1, dernier document no 0")


def test_a_deleted_newest_document_is_reported_against_its_counter(docs):
    newest = docs["invoices"][2]
    sql("DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [newest.pk])
    sql("DELETE FROM invoicing_invoice WHERE id = %s", [newest.pk])
    verify_fails("compteur à 3, dernier document no 2")


def test_a_deleted_newest_document_with_its_counter_moved_back_is_reported(docs):
    """The cover-up a database user would try: counter put back by one."""
    newest, previous = docs["invoices"][2], docs["invoices"][1]
    sql("DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [newest.pk])
    sql("DELETE FROM invoicing_invoice WHERE id = %s", [newest.pk])
    sql(
        "UPDATE core_counter SET last_value = 2, last_hash = %s "
        "WHERE park_id = %s AND key = 'doc:invoice'",
        [previous.hash, previous.park_id],
    )
    verify_fails("compteur modifié hors de l'application")


@pytest.mark.parametrize("delta", [1, -1], ids=["forward", "back"])
def test_a_moved_counter_is_reported(docs, delta):
    sql(
        "UPDATE core_counter SET last_value = last_value + %s "
        "WHERE park_id = %s AND key = 'doc:invoice'",
        [delta, docs["invoices"][0].park_id],
    )
    verify_fails("compteur modifié hors de l'application")


def test_a_deleted_counter_is_reported(docs):
    sql(
        "DELETE FROM core_counter WHERE park_id = %s AND key = 'doc:invoice'",
        [docs["invoices"][0].park_id],
    )
    verify_fails("compteur de la série absent")


def test_a_series_emptied_under_its_counter_is_reported(docs):
    note = docs["note"]
    sql("DELETE FROM invoicing_invoicetaxline WHERE invoice_id = %s", [note.pk])
    sql("DELETE FROM invoicing_invoice WHERE id = %s", [note.pk])
    with pytest.raises(CommandError, match="credit_note"):
        call_command("verify_invoices")


def _recompute_chain(seal) -> None:
    """Rewrite every seal of the invoice series with `seal(payload) -> hex`."""
    previous = ""
    for doc in Invoice.objects.filter(kind=DocumentKind.INVOICE).order_by("sequence"):
        doc.previous_hash = previous
        digest = seal(doc)
        sql(
            "UPDATE invoicing_invoice SET previous_hash = %s, hash = %s WHERE id = %s",
            [previous, digest, doc.pk],
        )
        previous = digest
    sql(
        "UPDATE core_counter SET last_hash = %s WHERE key = 'doc:invoice'",
        [previous],
    )


def test_a_chain_recomputed_without_the_key_is_reported(docs):
    """Change an amount, then recompute every hash the way one could without
    the key (the former unkeyed SHA-256): the seals still do not match."""
    sql(
        "UPDATE invoicing_invoice SET total_incl = '1.00' WHERE id = %s",
        [docs["invoices"][1].pk],
    )
    _recompute_chain(legacy_hash_of)
    verify_fails(CHANGED)


@override_settings(COMPTOIR_INTEGRITY_KEY="k" * 40 + "-the-servers-real-key")
def test_a_chain_recomputed_with_a_guessed_key_is_reported(park, member, products):
    for _ in range(2):
        factories.paid_online_sale(
            park, member, factories.basket(products, ("ticket", 1))
        )
    call_command("verify_invoices")
    with override_settings(COMPTOIR_INTEGRITY_KEY="guessed-key-" + "g" * 30):
        from comptoir.invoicing.integrity import seal_document

        _recompute_chain(lambda d: seal_document(d, tax_lines=d.tax_lines.all()))
    verify_fails(CHANGED)


def test_sealed_hashes_are_keyed_not_plain_digests(docs):
    doc = docs["invoices"][0]
    assert doc.hash != legacy_hash_of(doc)
    assert doc.hash != hashlib.sha256(doc.number.encode()).hexdigest()
    assert not hmac.compare_digest(doc.hash, "")


def test_invariants_report_a_tampered_series(docs):
    sql(
        "UPDATE invoicing_invoice SET buyer_name = 'X' WHERE id = %s",
        [docs["invoices"][0].pk],
    )
    assert any(CHANGED in p for p in check_invariants())


def test_sale_counters_are_not_document_series(docs):
    """Sale numbers are not sealed: moving them is not an invoice break."""
    assert Counter.objects.filter(key__startswith="sale:").exists()
    sql("UPDATE core_counter SET last_value = 77 WHERE key LIKE 'sale:%%'")
    call_command("verify_invoices")


def test_verification_prints_each_series_last_number_to_archive(docs, capsys):
    call_command("verify_invoices")
    out = capsys.readouterr().out
    newest = docs["invoices"][-1]
    assert f"invoice : 3 documents, dernier {newest.number} ({newest.hash[:16]})" in out
    assert f"credit_note : 1 documents, dernier {docs['note'].number}" in out


def test_a_counter_created_but_never_used_verifies(park):
    """The park settings lock (and so create) the counters when the series
    code changes: an unused counter is no break."""
    with transaction.atomic():
        lock_counter(park_id=park.pk, key="doc:invoice")
        lock_counter(park_id=park.pk, key="doc:credit_note")
    call_command("verify_invoices")
