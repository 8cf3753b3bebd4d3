"""Amounts in the back office's history read as amounts: a decimal comma in
French, the euro sign before the figure in English."""

import pytest
from django.utils import translation

from comptoir.backoffice.history import describe

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "sale", "refund"),
    [
        (
            "fr",
            f"Vente au comptoir S-1 enregistrée (1{NBSP}234,50{NBSP}€)",
            f"Remboursement de 30,00{NBSP}€",
        ),
        ("en", "Counter sale S-1 recorded (€1,234.50)", "Refund of €30.00"),
    ],
)
def test_history_amounts_follow_the_language(language, sale, refund):
    with translation.override(language):
        recorded = describe(
            "sales.counter_sale.recorded", {"number": "S-1", "total": "1234.50"}
        )
        refunded = describe("sales.sale.refunded", {"amount": "30.00"})
    assert recorded == sale
    assert refunded == refund
