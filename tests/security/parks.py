"""Helpers for the park settings page: its address and a complete POST body."""

from __future__ import annotations

import io

from django.urls import reverse
from PIL import Image

from comptoir.organizations.models import PARK_SETTINGS_FIELDS

FIELDS = list(PARK_SETTINGS_FIELDS)


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
