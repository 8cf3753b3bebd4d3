"""Invoice and credit-note rendering: French PDF + Factur-X (PDF/A-3B, EN 16931).

Pure functions of the document snapshot (docs/snapshot.md): no database, no
model, so an issued document renders the same today and in ten years.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from comptoir.invoicing.rendering import facturx, pdf
from comptoir.invoicing.rendering.snapshot import parse_snapshot

__all__ = ["render_document"]

# Characters XML 1.0 cannot carry (control characters, lone surrogates…).
NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_document(snapshot: Mapping[str, Any], logo: bytes | None = None) -> bytes:
    """The Factur-X PDF of an invoice or credit note snapshot.

    `logo` is optional PNG or JPEG bytes. Raises ValueError when the snapshot
    cannot make a valid EN 16931 document (amounts that do not add up, taxable
    and outside-the-scope lines mixed, missing seller VAT number…).
    """
    doc = parse_snapshot(_xml_safe(snapshot))
    root = facturx.cii_tree(doc)
    facturx.check_xsd(root)
    return facturx.package(pdf.build_pdf(doc, logo), facturx.serialize(root), doc)


def _xml_safe(value: Any) -> Any:
    """The snapshot without characters no XML (hence no Factur-X) can hold:
    a control character typed into a client record must not make its
    invoices impossible to render."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, Mapping):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_xml_safe(item) for item in value]
    return value
