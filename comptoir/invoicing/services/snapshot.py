"""The frozen copy of seller, buyer, lines and totals stored at issue.

Shape documented in docs/snapshot.md; the PDF and the Factur-X XML are
rendered from it alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.utils import translation

from comptoir.catalog.models import NATURE_BY_KIND, ProductKind
from comptoir.core.clock import business_date
from comptoir.core.totals import DocumentTotals
from comptoir.customers.models import Client, Profile
from comptoir.customers.text import strip_forbidden
from comptoir.organizations.models import Park
from comptoir.sales.models import Payment, PaymentMethod, Sale


@dataclass(frozen=True)
class DocLine:
    sale_line_id: int
    description: str
    product_kind: str
    quantity: int
    unit_price_incl: Decimal
    vat_rate: Decimal | None
    nature: str = ""  # as sold; "" : the kind's default
    # The visit date of a booking, in the park's time zone (BT-72).
    service_date: dt.date | None = None


def line_nature(line: DocLine) -> str:
    """The nature of operation of a line: as recorded when sold, else the
    default of its kind (lines sold before it was recorded)."""
    return line.nature or NATURE_BY_KIND[ProductKind(line.product_kind)]


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def seller_snapshot(park: Park) -> dict:
    return {
        "name": park.name,
        "company_name": park.company_name,
        "legal_form": park.legal_form,
        "share_capital": park.share_capital,
        "siren": park.siren,
        "siret": park.siret,
        "rcs": park.rcs,
        "vat_number": park.vat_number,
        "address": park.address,
        "address_complement": park.address_complement,
        "postcode": park.postcode,
        "city": park.city,
        "country": park.country,
        "email": park.email,
        "phone": park.phone,
        "logo": park.logo.name if park.logo else "",
        "payment_terms": park.payment_terms,
        "penalty_text": park.penalty_text,
        "vat_on_debits": park.vat_on_debits,
    }


def buyer_snapshot(client: Client) -> dict:
    """The buyer as frozen on a document; a record saved before the form
    refused invisible characters loses them here, so the PDF and XML render."""
    return _visible(_buyer_fields(client))


def _visible(fields: dict) -> dict:
    return {
        name: strip_forbidden(value) if isinstance(value, str) else value
        for name, value in fields.items()
    }


def _buyer_fields(client: Client) -> dict:
    return {
        "company_name": client.company_name,
        "contact_name": client.display_name,
        "email": client.email,
        "address": client.address,
        "address_complement": client.address_complement,
        "postcode": client.postcode,
        "city": client.city,
        "country": client.country or "FR",
        "vat_number": client.vat_number,
        "siret": client.siret_digits,
        "siren": client.siren,
        "registration": client.siret,
        "accounting_code": client.accounting_code,
        "professional": client.profile == Profile.PROFESSIONAL
        or bool(client.company_name),
    }


def nature_of(lines: Sequence[DocLine]) -> str:
    natures = {line_nature(line) for line in lines}
    natures.discard("voucher")
    if natures == {"goods", "services"}:
        return "mixed"
    if natures == {"goods"}:
        return "goods"
    return "services"


def build_snapshot(
    *,
    kind: str,
    number: str,
    issue_date: dt.date,
    sale: Sale,
    client: Client,
    lines: Sequence[DocLine],
    totals: DocumentTotals,
    payments: list[dict],
    cancels: dict | None = None,
    reason: str = "",
    parties: dict | None = None,
    replaces: dict | None = None,
    notes: Sequence[str] = (),
) -> dict:
    """The document's frozen copy; `parties` (seller and buyer) is given for a
    credit note, copied from the invoice it credits."""
    park = sale.park
    paid = sum((Decimal(p["amount"]) for p in payments), Decimal("0.00"))
    return {
        "document": {
            "kind": kind,
            "type_code": "381" if kind == "credit_note" else "380",
            "number": number,
            "issue_date": issue_date.isoformat(),
            "cancels": cancels,
            "replaces": replaces,
            "reason": reason,
            "currency": "EUR",
        },
        "sale": {
            "number": sale.number,
            # Only a paid sale is invoiced: it has its date.
            "date": cast(dt.date, sale.sale_date).isoformat(),
        },
        "seller": parties["seller"] if parties else seller_snapshot(park),
        "buyer": parties["buyer"] if parties else buyer_snapshot(client),
        "lines": [
            {
                "sale_line_id": line.sale_line_id,
                "description": line.description,
                "product_kind": line.product_kind,
                "nature": line_nature(line),
                "quantity": str(line.quantity),
                "unit_price_incl": _money(line.unit_price_incl),
                "unit_price_excl": str(t.unit_price_excl),
                "vat_rate": _rate(line.vat_rate),
                "vat_category": t.vat_category,
                "total_incl": _money(t.total_incl),
                "total_excl": _money(t.total_excl),
                "total_vat": _money(t.total_vat),
                "service_date": line.service_date.isoformat()
                if line.service_date
                else None,
            }
            for line, t in zip(lines, totals.lines)
        ],
        "vat_breakdown": [
            {
                "vat_rate": _rate(b.vat_rate),
                "vat_category": b.vat_category,
                "base": _money(b.base),
                "vat": _money(b.vat),
                "total_incl": _money(b.total_incl),
            }
            for b in totals.breakdown
        ],
        "totals": {
            "excl": _money(totals.excl),
            "vat": _money(totals.vat),
            "incl": _money(totals.incl),
            "paid": _money(min(paid, totals.incl)),
            "due": _money(max(totals.incl - paid, Decimal("0.00"))),
        },
        "payments": payments,
        "nature": nature_of(lines),
        "notes": list(notes),
    }


def payment_entries(payments: Iterable[Payment], tz_name: str) -> list[dict]:
    # Frozen in French whatever the language of the request that pays or
    # issues: a French invoice, as the till receipt (sales/receipts.py).
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "method": p.method,
                "method_label": str(PaymentMethod(p.method).label),
                "amount": _money(abs(p.amount)),
                "date": business_date(p.received_at, tz_name).isoformat(),
                "reference": p.reference,
            }
            for p in payments
        ]
