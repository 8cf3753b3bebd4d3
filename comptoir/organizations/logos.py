"""A park's logo, re-encoded from its pixels before it is stored.

The logo is printed on the park's invoices, so only its pixels are kept:
the park settings page (and the product images of the catalogue) call
`sanitised_logo` on what was uploaded and store the result.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from typing import cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000
LOGO_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}


def sanitised_logo(upload) -> SimpleUploadedFile:
    """The uploaded logo re-encoded from its pixels, or a French refusal.

    The content is read by Pillow, whatever the name or the announced type
    says; only PNG and JPEG are opened. Writing the pixels out again drops
    metadata (EXIF, ICC, text chunks) and anything hidden around the image
    (a polyglot's HTML, script or archive).
    """
    not_an_image = ValidationError(
        _(
            "Le logo doit être une image PNG ou JPEG ; les autres formats "
            "(SVG, GIF, PDF…) sont refusés."
        ),
        code="logo_format",
    )
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Le logo pèse plus de 1 Mo : réduisez-le avant de l'envoyer."),
            code="logo_size",
        )
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Le logo pèse plus de 1 Mo : réduisez-le avant de l'envoyer."),
            code="logo_size",
        )
    try:
        with warnings.catch_warnings():
            # A header announcing a huge image is refused, never decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(LOGO_FORMATS)) as probe:
                # Opened with `formats=`: the format is one of LOGO_FORMATS.
                image_format = cast(str, probe.format)
                width, height = probe.size
                if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                    raise ValidationError(
                        _(
                            "Le logo mesure %(width)d × %(height)d pixels : "
                            "%(max)d × %(max)d au plus."
                        )
                        % {"width": width, "height": height, "max": LOGO_MAX_SIDE},
                        code="logo_dimensions",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                pixels = _reencoded(upright, image_format)
    except ValidationError:
        raise
    except (
        Image.UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        struct.error,
        EOFError,
    ):
        raise not_an_image from None
    extension, content_type = LOGO_FORMATS[image_format]
    name = f"{hashlib.sha256(pixels).hexdigest()[:20]}.{extension}"
    return SimpleUploadedFile(name, pixels, content_type=content_type)


def _reencoded(image: Image.Image, image_format: str) -> bytes:
    transparency = image.info.get("transparency")
    if image_format == "JPEG":
        clean = image.convert("RGB") if image.mode not in ("L", "RGB") else image
    elif image.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        clean = image.copy()
    else:
        clean = image.convert("RGBA")
    # Nothing of the original's metadata goes along, bar PNG transparency.
    clean.info = {}
    options: dict = {}
    if image_format == "PNG" and transparency is not None and clean.mode in ("P", "L"):
        options["transparency"] = transparency
    if image_format == "JPEG":
        options["quality"] = 90
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format, optimize=True, **options)
    return buffer.getvalue()
