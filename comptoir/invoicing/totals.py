"""Document totals live in `comptoir.core.totals` (receipts, baskets and
invoices share them); this name stays for the importers not moved yet."""

from comptoir.core.totals import (
    DocumentTotals,
    LineInput,
    LineTotals,
    RateTotals,
    category_of,
    compute_totals,
    unit_price_excl,
)

__all__ = [
    "DocumentTotals",
    "LineInput",
    "LineTotals",
    "RateTotals",
    "category_of",
    "compute_totals",
    "unit_price_excl",
]
