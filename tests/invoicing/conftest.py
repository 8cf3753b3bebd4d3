"""Document snapshots for the rendering tests, with amounts from compute_totals.

No database: a snapshot is a plain dict (docs/snapshot.md), so these fixtures
build one from a basket the way the issuing service does, with the project's
own totals, and the tests render it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest

from comptoir.core.totals import LineInput, compute_totals
from tests.invoicing.facturx_rules import FacturXValidator, validator

# (description, quantity, unit price incl. VAT, VAT rate or None[, nature])
Item = tuple[Any, ...]

SELLER: dict[str, Any] = {
    "name": "TRY Trampoline Park",
    "company_name": "TRY LOISIRS SAS",
    "legal_form": "SAS",
    "share_capital": "10 000 €",
    "siren": "123456789",
    "siret": "12345678900012",
    "rcs": "RCS Paris 123 456 789",
    "vat_number": "FR32123456789",
    "address": "12 rue des Rebonds",
    "address_complement": "Zone des Loisirs",
    "postcode": "75014",
    "city": "Paris",
    "country": "FR",
    "email": "factures@try-park.fr",
    "phone": "01 23 45 67 89",
    "logo": "",
    "payment_terms": "Paiement comptant à la commande, en ligne ou au comptoir.",
    "penalty_text": (
        "En cas de retard de paiement, des pénalités égales à trois fois le taux "
        "d'intérêt légal sont exigibles (art. L441-10 du Code de commerce)."
    ),
    "vat_on_debits": False,
}

BUYER: dict[str, Any] = {
    "company_name": "BAYCORP INC",
    "contact_name": "ERIC BAY",
    "email": "eric@baycorp.example",
    "address": "281 BIS Bd Raspail",
    "address_complement": "",
    "postcode": "89530",
    "city": "MOUTIERS EN PUISAYE",
    "country": "FR",
    "vat_number": "FR40987654321",
    "siret": "98765432100017",
    "siren": "987654321",
    "registration": "987 654 321 00017",
    "accounting_code": "491123456",
    "professional": True,
}

MIXED_BASKET: list[Item] = [
    ("Entrée 1h", "1", "30.00", "20.00", "services"),
    ("Boisson fraîche", "2", "10.00", "10.00", "goods"),
]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def build_snapshot(
    items: Sequence[Item],
    *,
    kind: str = "invoice",
    number: str | None = None,
    issue_date: str = "2024-03-05",
    sale_date: str = "2024-02-05",
    cancels: dict[str, str] | None = None,
    reason: str = "",
    seller: dict[str, Any] | None = None,
    buyer: dict[str, Any] | None = None,
    paid: Decimal | str | None = None,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """A snapshot shaped as docs/snapshot.md, paid in full unless told."""
    inputs = [
        LineInput(
            quantity=Decimal(str(item[1])),
            unit_price_incl=Decimal(str(item[2])),
            vat_rate=None if item[3] is None else Decimal(str(item[3])),
        )
        for item in items
    ]
    totals = compute_totals(inputs)
    natures = {(item[4] if len(item) > 4 else "services") for item in items}
    natures.discard("voucher")
    nature = "mixed" if len(natures) > 1 else (natures.pop() if natures else "")
    paid_amount = totals.incl if paid is None else Decimal(str(paid))
    credit = kind == "credit_note"
    if number is None:
        number = "AV-KD-20240310-000003" if credit else "FA-KD-20240305-000010"
    if credit and cancels is None:
        cancels = {"number": "FA-KD-20240305-000010", "issue_date": "2024-03-05"}
    lines = []
    for item, line_input, line in zip(items, inputs, totals.lines, strict=True):
        lines.append(
            {
                "description": str(item[0]),
                "product_kind": "voucher" if item[3] is None else "ticket",
                "nature": item[4] if len(item) > 4 else "services",
                "quantity": str(line_input.quantity),
                "unit_price_incl": _money(line_input.unit_price_incl),
                "unit_price_excl": str(line.unit_price_excl),
                "vat_rate": _rate(line_input.vat_rate),
                "vat_category": line.vat_category,
                "total_incl": _money(line.total_incl),
                "total_excl": _money(line.total_excl),
                "total_vat": _money(line.total_vat),
            }
        )
    payments = []
    if paid_amount:
        payments.append(
            {
                "method": "card",
                "method_label": "Carte bancaire",
                "amount": _money(paid_amount),
                # A credit note is refunded when issued; an invoice paid at sale.
                "date": issue_date if credit else sale_date,
                "reference": "RMB-51C2E0" if credit else "PAY-7F3A21",
            }
        )
    return {
        "document": {
            "kind": kind,
            "type_code": "381" if credit else "380",
            "number": number,
            "issue_date": issue_date,
            "cancels": cancels,
            "reason": reason,
            "currency": "EUR",
        },
        "sale": {"number": "S-240205-000002", "date": sale_date},
        "seller": {**copy.deepcopy(SELLER), **(seller or {})},
        "buyer": {**copy.deepcopy(BUYER), **(buyer or {})},
        "lines": lines,
        "vat_breakdown": [
            {
                "vat_rate": _rate(row.vat_rate),
                "vat_category": row.vat_category,
                "base": _money(row.base),
                "vat": _money(row.vat),
                "total_incl": _money(row.total_incl),
            }
            for row in totals.breakdown
        ],
        "totals": {
            "excl": _money(totals.excl),
            "vat": _money(totals.vat),
            "incl": _money(totals.incl),
            "paid": _money(paid_amount),
            "due": _money(totals.incl - paid_amount),
        },
        "payments": payments,
        "nature": nature,
        "notes": list(notes),
    }


@pytest.fixture(scope="session")
def make_snapshot() -> Callable[..., dict[str, Any]]:
    return build_snapshot


@pytest.fixture(scope="session")
def facturx_validator() -> FacturXValidator:
    return validator()


@pytest.fixture
def invoice_snapshot() -> dict[str, Any]:
    """The product note's sale: 30.00 at 20 % + 20.00 at 10 % = 50.00 / 43.18."""
    return build_snapshot(MIXED_BASKET)


@pytest.fixture
def credit_note_snapshot() -> dict[str, Any]:
    """A partial credit note: the drinks of the invoice above are refunded."""
    return build_snapshot(
        [("Boisson fraîche", "2", "10.00", "10.00", "goods")],
        kind="credit_note",
        issue_date="2024-03-10",
        reason="Boissons non servies, remboursées sur la carte bancaire.",
    )
