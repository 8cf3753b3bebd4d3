"""The embedded fonts live in `comptoir.core.fonts` (tickets, receipts and
invoices share them); this name stays for the importers not moved yet."""

from comptoir.core.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts

__all__ = ["BOLD", "BOLD_ITALIC", "ITALIC", "REGULAR", "register_fonts"]
