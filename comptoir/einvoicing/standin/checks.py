"""What the stand-in shows of a flow and how it checks what it receives."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import threading
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

if TYPE_CHECKING:
    from comptoir.invoicing.facturx_rules import FacturXValidator

SYNTAXES = {"CII", "UBL", "Factur-X", "CDAR", "FRR"}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def sign(secret: str, body: bytes) -> str:
    """Signature of a webhook body (HMAC-SHA256, hex), header X-Signature-256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def public(flow: dict[str, Any]) -> dict[str, Any]:
    """A flow as the API shows it (AFNOR `Flow` object)."""
    keys = (
        "flowId",
        "trackingId",
        "name",
        "flowSyntax",
        "flowProfile",
        "processingRule",
        "flowType",
        "flowDirection",
        "submittedAt",
        "updatedAt",
        "sha256",
    )
    shown = {k: flow[k] for k in keys if flow.get(k) is not None}
    shown["acknowledgement"] = flow.get("ack") or {"status": "Pending"}
    return shown


def flow_type(info: dict[str, Any]) -> str:
    if info.get("flowSyntax") == "CDAR":
        return "CustomerInvoiceLC"
    if info.get("flowSyntax") == "FRR":
        return "MultiFlowReport"
    return "CustomerInvoice"


def check_report(content: bytes) -> list[dict[str, str]]:
    """An e-report is well formed and each of its lines adds up."""

    def reject(text: str) -> list[dict[str, str]]:
        return [
            {
                "level": "Error",
                "item": "file",
                "reasonCode": "REJ_SEMAN",
                "reasonMessage": text,
            }
        ]

    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return reject(f"Rapport illisible : {exc}")
    lines = root.xpath("//*[local-name()='Line']")
    for line in lines:
        try:
            base = Decimal(line.get("taxableAmount"))
            vat = Decimal(line.get("taxAmount"))
            total = Decimal(line.get("totalAmount"))
        except (InvalidOperation, TypeError):
            return reject("Montant illisible dans une ligne du rapport.")
        if base + vat != total:
            return reject(f"Ligne du {line.get('date')} : HT + TVA ≠ TTC.")
    return []


_VALIDATOR: FacturXValidator | None = None
_VALIDATOR_LOCK = threading.Lock()


def factur_x_validator() -> FacturXValidator:
    """The Factur-X rules, compiled once per process (a few seconds)."""
    global _VALIDATOR
    with _VALIDATOR_LOCK:
        if _VALIDATOR is None:
            # saxonche is a development dependency (requirements/dev.in): only
            # the stand-in and the tests compile these rules, never production.
            from comptoir.invoicing.facturx_rules import validator

            _VALIDATOR = validator()
        return _VALIDATOR
