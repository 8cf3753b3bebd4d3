"""What counts as written text in a client record: the one rule.

A field made only of spaces, zero-width characters or non-characters
(U+FFFF) is empty for the completeness check, and a record containing
invisible or unassigned characters is refused by the form: they show as
nothing on screen and break the PDF and XML of an invoice.
"""

from __future__ import annotations

import unicodedata

# Unicode general categories (python's `unicodedata`): control, format
# (zero-width spaces and joiners, bidi overrides, BOM), surrogate, private
# use and unassigned (which includes the non-characters U+FFFE, U+FFFF…).
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
# Tab and line breaks are controls a multi-line address may hold.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_forbidden(char: str) -> bool:
    return (
        unicodedata.category(char) in FORBIDDEN_CATEGORIES
        and char not in ALLOWED_CONTROLS
    )


def has_forbidden_chars(value: str) -> bool:
    """True when the text holds an invisible, control or non-character."""
    if not value or value.isprintable():
        # Python's printable: no "Other" character (C*, every forbidden
        # category) and no separator but the space. Checked in C, at once.
        return False
    return any(is_forbidden(char) for char in value)


def is_blank(value: str | None) -> bool:
    """True when nothing visible is written: only separators and invisibles."""
    return not any(
        unicodedata.category(char)[0] not in ("Z", "C") for char in value or ""
    )


def strip_forbidden(value: str | None) -> str:
    """The text without its invisible, control and non-characters."""
    if not has_forbidden_chars(value or ""):
        return value or ""
    return "".join(char for char in value or "" if not is_forbidden(char))
