"""The printed invoice or credit note: an A4 PDF in French, drawn with ReportLab.

One layout for both kinds. Every text uses the embedded Vera faces — the
canvas's initial font and every table's FONT included — because one
unembedded Helvetica reference is enough to break PDF/A.
"""

from __future__ import annotations

from .frame import build_pdf

__all__ = ["build_pdf"]
