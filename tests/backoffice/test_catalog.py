"""The catalogue screens: managers set up products, cashiers cannot."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from comptoir.catalog.models import GroupPrice, Product, ProductKind, SlotSchedule
from comptoir.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _form(park, **overrides):
    data = {
        "park": park.pk,
        "name": "Trampoline 2h",
        "description": "Deux heures de saut",
        "kind": ProductKind.ENTRY,
        "nature": "services",
        "vat_rate": "20.00",
        "price_incl": "18,50",
        "voucher_validity_days": "30",
        "public": "on",
        "sold_at_counter": "on",
        "position": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _png(size=(40, 30), extra=b"") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    data = io.BytesIO(buffer.getvalue() + extra)
    data.name = "photo.png"
    return data


def test_a_manager_creates_a_product_with_a_french_price(as_manager, park):
    response = as_manager.post("/backoffice/catalogue/nouveau/", _form(park))
    product = Product.objects.get(name="Trampoline 2h")
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/catalogue/{product.pk}/"
    assert product.price_incl == Decimal("18.50")
    assert product.kind == ProductKind.ENTRY
    assert product.voucher_validity_days == 30
    assert product.position == 3
    assert product.public and product.sold_at_counter
    assert product.organization_id == park.organization_id
    event = AuditEvent.objects.get(action="catalog.product.created")
    assert event.object_id == str(product.pk)
    assert event.data["values"]["price_incl"] == "18.50"


def test_a_cashier_cannot_open_or_change_the_catalogue(as_cashier, park, products):
    product = products["ticket"]
    assert as_cashier.get("/backoffice/catalogue/").status_code == 403
    assert (
        as_cashier.post("/backoffice/catalogue/nouveau/", _form(park)).status_code
        == 403
    )
    response = as_cashier.post(
        f"/backoffice/catalogue/{product.pk}/", _form(park, price_incl="1,00")
    )
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.price_incl == Decimal("30.00")


def test_the_nav_shows_the_catalogue_to_managers_only(as_manager, as_cashier):
    assert "/backoffice/catalogue/" in as_manager.get("/backoffice/").content.decode()
    assert (
        "/backoffice/catalogue/" not in as_cashier.get("/backoffice/").content.decode()
    )


def test_a_gift_voucher_is_always_outside_the_scope_of_vat(as_manager, park):
    as_manager.post(
        "/backoffice/catalogue/nouveau/",
        _form(park, name="Bon 50", kind=ProductKind.GIFT_VOUCHER, vat_rate="20.00"),
    )
    product = Product.objects.get(name="Bon 50")
    assert product.vat_rate == ""
    assert product.operation_nature == "voucher"


def test_outside_the_scope_is_refused_for_anything_but_a_voucher(as_manager, park):
    response = as_manager.post(
        "/backoffice/catalogue/nouveau/", _form(park, vat_rate="")
    )
    assert response.status_code == 400
    assert "réservé aux bons cadeaux multi-usages" in response.content.decode()
    assert not Product.objects.filter(name="Trampoline 2h").exists()


def test_goods_are_recorded_as_goods_on_the_sale_line(as_manager, park, member):
    as_manager.post(
        "/backoffice/catalogue/nouveau/",
        _form(park, name="Gourde", kind=ProductKind.MERCHANDISE, nature="goods"),
    )
    product = Product.objects.get(name="Gourde")
    sale = factories.paid_online_sale(park, member, [factories.Item(product, 1)])
    assert sale.lines.get().nature == "goods"
    assert sale.invoices.get().snapshot["nature"] == "goods"


def test_a_price_change_never_alters_a_sale_already_made(
    as_manager, park, member, products
):
    product = products["ticket"]
    sale = factories.paid_online_sale(
        park, member, factories.basket(products, ("ticket", 2))
    )
    invoice = sale.invoices.get()
    response = as_manager.post(
        f"/backoffice/catalogue/{product.pk}/",
        {**_form(park, name="Entrée 1h", price_incl="35,00"), "park": ""},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price_incl == Decimal("35.00")
    line = sale.lines.get()
    sale.refresh_from_db()
    invoice.refresh_from_db()
    assert line.unit_price_incl == Decimal("30.00")
    assert sale.total_incl == Decimal("60.00")
    assert invoice.total_incl == Decimal("60.00")
    event = AuditEvent.objects.get(action="catalog.product.updated")
    assert event.data["values"]["price_incl"] == ["30.00", "35.00"]
    page = as_manager.get(f"/backoffice/catalogue/{product.pk}/").content.decode()
    assert "Prix TTC : « 30,00\xa0€ » → « 35,00\xa0€ »" in page


def test_a_product_never_sold_can_be_deleted(as_manager, park, products):
    product = products["socks"]
    page = as_manager.get(f"/backoffice/catalogue/{product.pk}/").content.decode()
    assert f"/backoffice/catalogue/{product.pk}/supprimer/" in page
    response = as_manager.post(f"/backoffice/catalogue/{product.pk}/supprimer/")
    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert AuditEvent.objects.filter(
        action="catalog.product.deleted", object_id=str(product.pk)
    ).exists()


def test_a_product_once_sold_is_archived_never_deleted(
    as_manager, park, member, products
):
    product = products["ticket"]
    factories.paid_online_sale(park, member, factories.basket(products, ("ticket", 1)))
    response = as_manager.post(
        f"/backoffice/catalogue/{product.pk}/supprimer/", follow=True
    )
    assert "ne peut pas être supprimé" in response.content.decode()
    page = response.content.decode()
    assert "/supprimer/" not in page
    assert "Déjà vendu" in page
    assert Product.objects.filter(pk=product.pk).exists()
    as_manager.post(f"/backoffice/catalogue/{product.pk}/archiver/")
    product.refresh_from_db()
    assert product.active is False
    assert AuditEvent.objects.filter(action="catalog.product.archived").exists()
    listing = as_manager.get("/backoffice/catalogue/").content.decode()
    assert product.name not in listing
    assert (
        product.name
        in as_manager.get("/backoffice/catalogue/?etat=archives").content.decode()
    )


def test_a_group_price_opens_the_private_shop_and_is_audited(
    as_manager, park, group, products
):
    product = products["socks"]
    response = as_manager.post(
        f"/backoffice/catalogue/{product.pk}/prix-de-groupe/",
        {"groupe-group": group.pk, "groupe-price_incl": "2,90"},
    )
    assert response.status_code == 302
    gp = GroupPrice.objects.get(product=product, group=group)
    assert gp.price_incl == Decimal("2.90")
    event = AuditEvent.objects.get(action="catalog.group_price.set")
    assert event.data["after"] == "2.90"
    as_manager.post(
        f"/backoffice/catalogue/{product.pk}/prix-de-groupe/{group.pk}/retirer/"
    )
    assert not GroupPrice.objects.filter(product=product, group=group).exists()
    assert AuditEvent.objects.filter(action="catalog.group_price.removed").exists()


def test_another_organizations_product_or_group_is_not_found(
    as_manager, other, products
):
    theirs = Product.objects.filter(organization=other.organization).first()
    assert as_manager.get(f"/backoffice/catalogue/{theirs.pk}/").status_code == 404
    mine = products["socks"]
    response = as_manager.post(
        f"/backoffice/catalogue/{mine.pk}/prix-de-groupe/",
        {"groupe-group": other.group.pk, "groupe-price_incl": "1,00"},
    )
    assert response.status_code == 400
    assert not GroupPrice.objects.filter(product=mine).exists()


def test_the_image_is_re_encoded_and_foreign_content_dropped(as_manager, park):
    upload = _png(extra=b"<script>alert(1)</script>")
    as_manager.post("/backoffice/catalogue/nouveau/", {**_form(park), "image": upload})
    product = Product.objects.get(name="Trampoline 2h")
    with product.image.storage.open(product.image.name, "rb") as fh:
        stored = fh.read()
    assert stored.startswith(b"\x89PNG")
    assert b"<script>" not in stored


def test_an_image_that_is_not_png_or_jpeg_is_refused_in_french(as_manager, park):
    fake = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    fake.name = "logo.png"
    response = as_manager.post(
        "/backoffice/catalogue/nouveau/", {**_form(park), "image": fake}
    )
    assert response.status_code == 400
    assert "doit être un fichier PNG ou JPEG" in response.content.decode()
    assert not Product.objects.filter(name="Trampoline 2h").exists()


def test_booking_slots_and_closed_days_are_set_and_audited(as_manager, park, products):
    product = products["laser"]
    response = as_manager.post(
        f"/backoffice/catalogue/{product.pk}/creneaux/",
        {
            "creneaux-weekdays": ["2", "5", "6"],
            "creneaux-opens_at": "14:00",
            "creneaux-closes_at": "18:00",
            "creneaux-slot_minutes": "90",
            "creneaux-capacity": "12",
        },
    )
    assert response.status_code == 302
    schedule = product.__class__.objects.get(pk=product.pk).slot_schedule
    assert schedule.weekdays == "256"
    assert schedule.capacity == 12
    as_manager.post(
        f"/backoffice/catalogue/{product.pk}/fermetures/",
        {"fermeture-day": "2031-12-25", "fermeture-reason": "Noël"},
    )
    assert product.closed_days.get().reason == "Noël"
    actions = set(
        AuditEvent.objects.filter(object_id=str(product.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"catalog.slots.updated", "catalog.closed_day.added"} <= actions
    page = as_manager.get(f"/backoffice/catalogue/{product.pk}/").content.decode()
    assert "25/12/2031" in page


def test_a_slot_longer_than_the_opening_hours_is_refused(as_manager, products):
    product = products["laser"]
    response = as_manager.post(
        f"/backoffice/catalogue/{product.pk}/creneaux/",
        {
            "creneaux-weekdays": ["0"],
            "creneaux-opens_at": "14:00",
            "creneaux-closes_at": "15:00",
            "creneaux-slot_minutes": "90",
            "creneaux-capacity": "12",
        },
    )
    assert response.status_code == 400
    assert "ne tient pas" in response.content.decode()
    assert not SlotSchedule.objects.filter(product=product).exists()


def test_the_catalogue_reads_in_english(as_manager, products):
    as_manager.cookies["django_language"] = "en"
    product = products["laser"]
    text = as_manager.get(f"/backoffice/catalogue/{product.pk}/").content.decode()
    assert "Booking slots" in text
    assert "Private shops and group prices" in text
    assert "Wednesday" in text
    assert "Créneaux de réservation" not in text


def test_a_product_taken_off_the_counter_is_not_offered_there(
    as_manager, as_cashier, park, products
):
    socks = products["socks"]
    data = {
        **_form(
            park,
            name=socks.name,
            kind=socks.kind,
            nature="goods",
            price_incl="3,50",
            sold_at_counter=None,
        ),
        "park": "",
    }
    as_manager.post(f"/backoffice/catalogue/{socks.pk}/", data)
    socks.refresh_from_db()
    assert socks.sold_at_counter is False
    counter = as_cashier.get("/backoffice/caisse/").content.decode()
    assert f"qty_{socks.pk}" not in counter
    assert f"qty_{products['ticket'].pk}" in counter


def test_closing_a_day_with_bookings_sold_warns_the_manager(
    as_manager, park, member, products
):
    laser = products["laser"]
    factories.slot_schedule(laser, capacity=10)
    day = dt.date.today() + dt.timedelta(days=20)
    start = dt.datetime.combine(day, dt.time(15), tzinfo=ZoneInfo(park.time_zone))
    factories.paid_online_sale(
        park, member, [factories.Item(laser, 3, booking_start=start)]
    )
    factories.paid_online_sale(
        park, member, [factories.Item(laser, 1, booking_start=start)]
    )
    response = as_manager.post(
        f"/backoffice/catalogue/{laser.pk}/fermetures/",
        {"fermeture-day": day.isoformat(), "fermeture-reason": "Travaux"},
        follow=True,
    )
    text = response.content.decode()
    assert "2 réservations déjà vendues ce jour-là restent valables" in text
    other = day + dt.timedelta(days=1)
    response = as_manager.post(
        f"/backoffice/catalogue/{laser.pk}/fermetures/",
        {"fermeture-day": other.isoformat()},
        follow=True,
    )
    assert "déjà vendue" not in response.content.decode()
