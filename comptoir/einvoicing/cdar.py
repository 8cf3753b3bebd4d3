"""Life-cycle status messages (CDAR, UN/CEFACT CrossDomainAcknowledgementAndResponse).

A reduced message: the referenced invoice (number, date, type), the status
code (ProcessConditionCode), its date, a reason and, for "Encaissée", the
amount cashed. The element names follow the UN/CEFACT CDAR schema as the
public SDKs of the reform use them; the full French CDAR profile (XP Z12-012
annex) has many more fields and was not validated here — docs/einvoicing.md.
Parsing reads elements by local name, so a richer message from a PA parses
the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # lxml ships no type hints

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = (
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
)
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT}
# Business statuses (set by a company) use 23, transmission ones (set by a
# platform: déposée, reçue, mise à disposition, rejetée) 305.
TYPE_BUSINESS = "23"
TYPE_TRANSMISSION = "305"


@dataclass(frozen=True)
class StatusMessage:
    invoice_number: str
    invoice_date: dt.date
    invoice_type_code: str
    status_code: str
    issued_at: dt.datetime
    reason: str = ""
    amount: Decimal | None = None
    paid_on: dt.date | None = None
    sender_siren: str = ""
    recipient_siren: str = ""


# lxml elements are Any: lxml ships no type hints.
def _el(parent: Any, prefix: str, tag: str, text: str | None = None) -> Any:
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _datetime(parent: Any, tag: str, value: dt.datetime) -> None:
    holder = _el(parent, "ram", tag)
    value = value.astimezone(dt.UTC)
    _el(holder, "udt", "DateTimeString", value.strftime("%Y%m%d%H%M%S")).set(
        "format", "204"
    )


def _party(parent: Any, tag: str, siren: str, role: str) -> None:
    party = _el(parent, "ram", tag)
    _el(party, "ram", "GlobalID", siren).set("schemeID", "0002")
    _el(party, "ram", "RoleCode", role)


def build(message: StatusMessage) -> bytes:
    """The CDAR XML of one status about one invoice."""
    root = etree.Element(f"{{{RSM}}}CrossDomainAcknowledgementAndResponse", nsmap=NSMAP)
    context = _el(root, "rsm", "ExchangedDocumentContext")
    parameter = _el(context, "ram", "GuidelineSpecifiedDocumentContextParameter")
    _el(parameter, "ram", "ID", "urn.cpro.gouv.fr:1p0:CDV:invoice")
    exchanged = _el(root, "rsm", "ExchangedDocument")
    _el(exchanged, "ram", "ID", f"{message.invoice_number}-{message.status_code}")
    _datetime(exchanged, "IssueDateTime", message.issued_at)
    if message.sender_siren:
        _party(exchanged, "SenderTradeParty", message.sender_siren, "SE")
    if message.recipient_siren:
        _party(exchanged, "RecipientTradeParty", message.recipient_siren, "BY")
    ack = _el(root, "rsm", "AcknowledgementDocument")
    _el(ack, "ram", "MultipleReferencesIndicator", "false")
    business = message.status_code not in {"200", "201", "202", "203", "213"}
    _el(ack, "ram", "TypeCode", TYPE_BUSINESS if business else TYPE_TRANSMISSION)
    _datetime(ack, "IssueDateTime", message.issued_at)
    ref = _el(ack, "ram", "ReferenceReferencedDocument")
    _el(ref, "ram", "IssuerAssignedID", message.invoice_number)
    _el(ref, "ram", "TypeCode", message.invoice_type_code)
    issue = _el(ref, "ram", "FormattedIssueDateTime")
    _el(issue, "udt", "DateTimeString", message.invoice_date.strftime("%Y%m%d")).set(
        "format", "102"
    )
    _el(ref, "ram", "ProcessConditionCode", message.status_code)
    if message.reason:
        status = _el(ref, "ram", "SpecifiedDocumentStatus")
        _el(status, "ram", "Reason", message.reason)
    if message.amount is not None:
        characteristic = _el(ref, "ram", "SpecifiedDocumentCharacteristic")
        _el(characteristic, "ram", "TypeCode", "MEN")
        _el(characteristic, "ram", "ValueAmount", f"{message.amount:.2f}").set(
            "currencyID", "EUR"
        )
        if message.paid_on is not None:
            paid = _el(characteristic, "ram", "ValueDateTime")
            _el(paid, "udt", "DateTimeString", message.paid_on.strftime("%Y%m%d")).set(
                "format", "102"
            )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _first(root: Any, name: str) -> str:
    found = root.xpath(f".//*[local-name()='{name}']")
    if not found:
        return ""
    return "".join(found[0].itertext()).strip()


def _parse_datetime(value: str) -> dt.datetime:
    return dt.datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


def parse(xml: bytes) -> StatusMessage:
    """Read a CDAR status message; ValueError when it is not one."""
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"CDAR illisible : {exc}") from exc
    reference = root.xpath("//*[local-name()='ReferenceReferencedDocument']")
    if not reference:
        raise ValueError("CDAR sans document référencé")
    ref = reference[0]
    code = _first(ref, "ProcessConditionCode")
    number = _first(ref, "IssuerAssignedID")
    if not code or not number:
        raise ValueError("CDAR sans numéro de facture ou sans code de statut")
    ack = root.xpath("//*[local-name()='AcknowledgementDocument']")
    stamp = _first(ack[0], "DateTimeString") if ack else ""
    issue = ref.xpath(".//*[local-name()='FormattedIssueDateTime']")
    invoice_date = _first(issue[0], "DateTimeString") if issue else ""
    amount = _first(ref, "ValueAmount")
    paid = ref.xpath(".//*[local-name()='ValueDateTime']")
    paid_on = _first(paid[0], "DateTimeString") if paid else ""
    return StatusMessage(
        invoice_number=number,
        invoice_date=(
            dt.datetime.strptime(invoice_date, "%Y%m%d").date()
            if invoice_date
            else dt.date.min
        ),
        invoice_type_code=ref.xpath("string(./*[local-name()='TypeCode'])") or "",
        status_code=code,
        issued_at=_parse_datetime(stamp) if stamp else dt.datetime.now(dt.UTC),
        reason=_first(ref, "Reason"),
        amount=Decimal(amount) if amount else None,
        paid_on=dt.datetime.strptime(paid_on, "%Y%m%d").date() if paid_on else None,
    )
