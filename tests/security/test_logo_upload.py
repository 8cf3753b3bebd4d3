"""An uploaded logo is judged by its content, and stored only re-encoded.

PNG or JPEG only (whatever the name or the announced type), 1 MB and
2000 × 2000 pixels at most; the stored file is rebuilt from the pixels, so
metadata and anything smuggled around the image (a polyglot) are gone.
"""

from __future__ import annotations

import io
import struct
import zlib
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from PIL import Image, PngImagePlugin

from comptoir.core.models import AuditEvent
from comptoir.invoicing.services.documents import pdf_bytes
from tests import factories

from .parks import image_bytes, park_data, park_url
from .state import fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
    b'height="10"><script>alert(document.cookie)</script></svg>'
)
REFUSED_FORMAT = "Le logo doit être une image PNG ou JPEG"


@pytest.fixture
def as_manager(manager) -> HttpClient:
    http = HttpClient()
    http.force_login(manager)
    return http


def upload(http, park, content: bytes, name="logo.png", content_type="image/png"):
    data = park_data(park)
    data["logo"] = SimpleUploadedFile(name, content, content_type=content_type)
    return http.post(park_url(park), data)


def stored(park) -> bytes:
    park.refresh_from_db()
    with park.logo.storage.open(park.logo.name, "rb") as fh:
        return fh.read()


def text(response) -> str:
    return unescape(response.content.decode())


def png_with_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author-name")
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 30), (0, 90, 200, 255)).save(
        buffer, format="PNG", pnginfo=info
    )
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header announces `width` × `height` (its data is tiny)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def test_a_png_is_stored_re_encoded_without_its_metadata(as_manager, park):
    original = png_with_metadata()
    response = upload(as_manager, park, original)
    assert response.status_code == 302
    content = stored(park)
    assert park.logo.name.startswith("logos/") and park.logo.name.endswith(".png")
    assert b"secret-author-name" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.size == (60, 30)
        assert "Author" not in image.info
    event = AuditEvent.objects.get(action="organizations.park.updated")
    assert event.data["fields"] == ["logo"]
    page = text(as_manager.get(park_url(park)))
    assert "Réglages modifiés : logo remplacé" in page
    assert 'src="data:image/png;base64,' in page


def test_a_jpeg_loses_its_exif(as_manager, park):
    exif = Image.Exif()
    exif[0x010E] = "secret-camera-description"
    original = image_bytes("JPEG", size=(80, 40), exif=exif.tobytes())
    assert b"secret-camera-description" in original
    assert (
        upload(as_manager, park, original, "logo.jpg", "image/jpeg").status_code == 302
    )
    content = stored(park)
    assert park.logo.name.endswith(".jpg")
    assert b"secret-camera-description" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_a_polyglot_keeps_only_its_pixels(as_manager, park):
    payload = b"<html><script>alert(1)</script></html>PK\x03\x04zipped-payload"
    response = upload(as_manager, park, image_bytes("PNG") + payload)
    assert response.status_code == 302
    content = stored(park)
    assert b"<script>" not in content
    assert b"zipped-payload" not in content
    assert content.endswith(b"IEND\xaeB`\x82")


def test_the_content_decides_not_the_name_nor_the_announced_type(as_manager, park):
    response = upload(as_manager, park, image_bytes("PNG"), "logo.jpg", "image/jpeg")
    assert response.status_code == 302
    assert stored(park).startswith(b"\x89PNG")
    assert park.logo.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (SVG, "logo.svg", "image/svg+xml"),
        (SVG, "logo.png", "image/png"),
        (image_bytes("GIF"), "logo.gif", "image/gif"),
        (image_bytes("BMP"), "logo.png", "image/png"),
        (image_bytes("WEBP"), "logo.png", "image/png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "logo.png", "image/png"),
        (b"<html><script>alert(1)</script></html>", "logo.png", "image/png"),
        (image_bytes("PNG")[:60], "logo.png", "image/png"),  # truncated
        (b"", "logo.png", "image/png"),
    ],
    ids=[
        "svg",
        "svg-as-png",
        "gif",
        "bmp",
        "webp",
        "pdf",
        "html",
        "truncated",
        "empty",
    ],
)
def test_anything_but_png_or_jpeg_is_refused_in_french(
    as_manager, park, content, name, content_type
):
    before = fingerprint()
    response = upload(as_manager, park, content, name, content_type)
    assert response.status_code == 200
    assert "logo" in response.context["form"].errors
    page = text(response)
    assert REFUSED_FORMAT in page or "Le fichier soumis est vide." in page
    assert fingerprint() == before


def test_a_logo_over_one_megabyte_is_refused(as_manager, park):
    big = image_bytes("PNG") + b"\x00" * (1024 * 1024)
    response = upload(as_manager, park, big)
    assert response.status_code == 200
    assert "Le logo pèse plus de 1 Mo" in text(response)
    park.refresh_from_db()
    assert not park.logo


@pytest.mark.parametrize("size", [(2001, 10), (10, 2001)])
def test_a_logo_over_2000_pixels_is_refused(as_manager, park, size):
    response = upload(as_manager, park, image_bytes("PNG", size=size, mode="L"))
    assert response.status_code == 200
    assert "2000 × 2000 au plus" in text(response)


def test_a_decompression_bomb_is_refused_without_being_decoded(as_manager, park):
    for width, height in [(100_000, 100_000), (10_000, 10_000)]:
        response = upload(as_manager, park, png_header(width, height))
        assert response.status_code == 200
        page = text(response)
        assert REFUSED_FORMAT in page or "2000 × 2000 au plus" in page
    park.refresh_from_db()
    assert not park.logo


def test_removing_the_logo_keeps_the_file_for_documents_already_issued(
    as_manager, park, member, products
):
    upload(as_manager, park, image_bytes("PNG"))
    park.refresh_from_db()
    name = park.logo.name
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    invoice = sale.invoices.get()
    assert invoice.snapshot["seller"]["logo"] == name

    data = park_data(park, remove_logo="on")
    assert as_manager.post(park_url(park), data).status_code == 302
    park.refresh_from_db()
    assert not park.logo
    assert park.logo.storage.exists(name)
    assert pdf_bytes(invoice).startswith(b"%PDF")
    assert "logo retiré" in text(as_manager.get(park_url(park)))
