"""The snapshot keeps no key nothing reads (docs/snapshot.md, "Every key and
who reads it"); snapshots issued with the keys since dropped still verify and
render."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from comptoir.invoicing.models import Invoice
from comptoir.invoicing.rendering import render_document
from comptoir.invoicing.rendering.facturx import build_cii_xml
from comptoir.invoicing.services import issue as issue_module
from comptoir.invoicing.services.corrections import correct_invoice
from comptoir.sales.services import refund_sale
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `([a-z_.\[\]]+)` \| (.+) \|$")
READER = re.compile(r"`(comptoir/[^`]+)`")


def documented_keys() -> dict[str, list[str]]:
    """Each key of the docs' table, with the paths of its readers."""
    text = (ROOT / "docs" / "snapshot.md").read_text()
    section = text.split("## Every key and who reads it", 1)[1].split("\n#", 1)[0]
    keys = {}
    for line in section.splitlines():
        row = ROW.match(line)
        if row:
            keys[row[1]] = READER.findall(row[2])
    return keys


def key_paths(snapshot: dict[str, Any]) -> set[str]:
    """`document.kind`, `lines[].quantity`, `nature`…: two levels deep, the
    items of a list counting as their list."""
    paths = set()
    for key, value in snapshot.items():
        if isinstance(value, dict):
            paths |= {f"{key}.{sub}" for sub in value}
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            paths |= {f"{key}[].{sub}" for item in value for sub in item}
        else:
            paths.add(key)
    return paths


def test_every_documented_key_is_named_by_its_readers():
    keys = documented_keys()
    assert len(keys) > 50  # the table was found and read
    for key, readers in keys.items():
        name = key.rsplit(".", 1)[-1]
        assert readers, f"{key}: the table names no reader"
        for reader in readers:
            path = ROOT / reader
            files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
            # `["name"]`, `.get("name")` or a JSON lookup `"snapshot__…__name"`.
            named = (f'"{name}"', f'__{name}"')
            assert any(n in f.read_text() for f in files for n in named), (
                f"{key}: {reader} never reads {name!r}"
            )


@pytest.fixture
def documents(park, member, products, manager) -> list[Invoice]:
    """An invoice with a refund, and a corrected invoice with its offset note."""
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2), ("snack", 1))
    )
    invoice = Invoice.objects.get(sale=sale)
    ticket = sale.lines.get(product=products["ticket"])
    refund_sale(
        sale=sale,
        quantities={ticket.pk: 1},
        method="card",
        actor=manager,
        reason="Client absent",
    )
    correct_invoice(invoice=invoice, reason="Adresse", corrected_by=manager)
    return list(Invoice.objects.order_by("pk"))


def test_issued_snapshots_hold_exactly_the_documented_keys(documents):
    documented = set(documented_keys())
    assert {d.kind for d in documents} == {"invoice", "credit_note"}
    issued: set[str] = set()
    for document in documents:
        paths = key_paths(document.snapshot)
        assert paths <= documented, (
            f"{document.number}: undocumented keys {sorted(paths - documented)} "
            "(add the key's reader to docs/snapshot.md, or do not store it)"
        )
        issued |= paths
    assert issued == documented, f"never written: {sorted(documented - issued)}"


LEGACY_DOCUMENT = {
    "issued_at": "2024-03-05T17:23:00+00:00",
    "issued_at_local": "05/03/2024 18:23",
    "scope": "taxable",
}


def _with_legacy_keys(build):
    def build_as_before(**kwargs):
        snapshot = build(**kwargs)
        snapshot["version"] = 1
        snapshot["document"].update(LEGACY_DOCUMENT)
        snapshot["sale"]["channel"] = "online"
        return snapshot

    return build_as_before


def test_documents_issued_with_the_dropped_keys_verify_and_render_as_before(
    park, member, products, manager, monkeypatch, capsys
):
    monkeypatch.setattr(
        issue_module, "build_snapshot", _with_legacy_keys(issue_module.build_snapshot)
    )
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1), ("snack", 1))
    )
    old = Invoice.objects.get(sale=sale)
    assert old.snapshot["version"] == 1 and old.snapshot["sale"]["channel"]
    monkeypatch.undo()
    # A credit note issued today for the old invoice chains after it.
    refund_sale(sale=sale, quantities=None, method="card", actor=manager, reason="x")

    call_command("verify_invoices")
    assert "2 documents vérifiés" in capsys.readouterr().out
    assert render_document(old.snapshot).startswith(b"%PDF")
    today = {k: v for k, v in old.snapshot.items() if k != "version"}
    today["document"] = {
        k: v for k, v in old.snapshot["document"].items() if k not in LEGACY_DOCUMENT
    }
    today["sale"] = {k: v for k, v in old.snapshot["sale"].items() if k != "channel"}
    assert key_paths(today) <= set(documented_keys())
    assert build_cii_xml(old.snapshot) == build_cii_xml(today)
