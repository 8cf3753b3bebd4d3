"""Helpers for the park settings page: its address and a complete POST body."""

from __future__ import annotations

import io

from django.urls import reverse
from PIL import Image

FIELDS = [
    "name",
    "company_name",
    "legal_form",
    "share_capital",
    "siren",
    "siret",
    "rcs",
    "vat_number",
    "address",
    "address_complement",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
    "invoice_series",
    "payment_terms",
    "penalty_text",
    "vat_on_debits",
    "require_buyer_siren",
]


def park_url(park) -> str:
    return reverse("backoffice:park", kwargs={"pk": park.pk})


def park_data(park, **changes) -> dict:
    """What the form sends back unchanged, with `changes` on top."""
    data = {name: getattr(park, name) for name in FIELDS}
    data.update(changes)
    return {
        k: ("True" if v is True else "False" if v is False else v)
        for k, v in data.items()
    }


def image_bytes(fmt: str = "PNG", size=(40, 20), mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 0).save(
        buffer, format=fmt, **options
    )
    return buffer.getvalue()
