"""Product images reach the shop, only for visitors the product is offered to."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from PIL import Image

from comptoir.catalog.models import GroupPrice
from tests.shop.fixtures import shop

pytestmark = pytest.mark.django_db


def _with_image(product):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(buffer, format="PNG")
    product.image.save("p.png", SimpleUploadedFile("p.png", buffer.getvalue()))
    return buffer.getvalue()


def _image_url(organization, product):
    return f"/{organization.slug}/produits/{product.pk}/image/"


def test_the_shop_shows_a_public_products_image(organization, products):
    pixels = _with_image(products["socks"])
    page = HttpClient().get(shop(organization, "home")).content.decode()
    assert _image_url(organization, products["socks"]) in page
    response = HttpClient().get(_image_url(organization, products["socks"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == pixels
    response.close()


def test_a_private_products_image_is_for_its_group_only(
    organization, products, group, as_member
):
    product = products["ticket"]
    product.public = False
    product.save()
    _with_image(product)
    assert HttpClient().get(_image_url(organization, product)).status_code == 404
    GroupPrice.objects.create(product=product, group=group)
    response = as_member.get(_image_url(organization, product))
    assert response.status_code == 200
    response.close()


def test_an_archived_products_image_is_not_served(organization, products):
    product = products["socks"]
    _with_image(product)
    product.active = False
    product.save()
    assert HttpClient().get(_image_url(organization, product)).status_code == 404
