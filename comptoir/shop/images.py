"""Product images, served to whoever may see the product.

Media files are not served as public static files: an image is read from
storage (the file system or object storage) and sent only for a product
offered to this visitor — a private shop's product to its group only.
The stored file was re-encoded from its pixels when uploaded.
"""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.views import View

from comptoir.catalog.selectors import offer_for
from comptoir.storefront.mixins import ShopMixin

CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class ProductImageView(ShopMixin, View):
    def get(self, request: HttpRequest, org_slug: str, pk: int) -> HttpResponseBase:
        offer = offer_for(
            organization_id=self.organization.pk, client=self.client, product_id=pk
        )
        if offer is None or not offer.product.image:
            raise Http404
        image = offer.product.image
        # A set image (checked above) has its name.
        suffix = "." + cast(str, image.name).rsplit(".", 1)[-1].lower()
        content_type = CONTENT_TYPES.get(suffix)
        if content_type is None:
            raise Http404
        try:
            handle = image.storage.open(cast(str, image.name), "rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        # A private product's image is for its group: no shared cache.
        response["Cache-Control"] = "private, max-age=3600"
        return response
