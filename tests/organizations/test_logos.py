"""sanitised_logo, called directly: the organizations domain re-encodes a
park's logo (and the catalogue's product images) from its pixels.

The settings page's behaviour around it is in tests/security/test_logo_upload.py.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from comptoir.organizations.logos import LOGO_MAX_SIDE, sanitised_logo


def _png(size=(40, 20), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG", **options)
    return buffer.getvalue()


def _upload(content: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_png_is_rebuilt_from_its_pixels_without_metadata_or_trailer():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    content = _png(pnginfo=info) + b"<html><script>alert(1)</script></html>"
    clean = sanitised_logo(_upload(content, name="evil.html"))
    data = clean.read()
    assert clean.name.endswith(".png") and clean.content_type == "image/png"
    assert b"script" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 20)
        assert image.getpixel((0, 0)) == (200, 30, 30)


def test_a_jpeg_announced_as_png_stays_a_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="JPEG")
    clean = sanitised_logo(_upload(buffer.getvalue()))
    assert clean.name.endswith(".jpg") and clean.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "logo_format"),
        (b"GIF89a" + b"\x00" * 20, "logo_format"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "logo_format"),
        (_png(size=(LOGO_MAX_SIDE + 1, 10)), "logo_dimensions"),
        (b"\x00" * (1024 * 1024 + 1), "logo_size"),
    ],
    ids=["svg", "gif", "truncated png", "too wide", "too heavy"],
)
def test_anything_else_is_refused_with_its_reason(content, code):
    with pytest.raises(ValidationError) as refused:
        sanitised_logo(_upload(content))
    assert refused.value.code == code
