"""Writes of the catalogue: products, group prices, booking slots.

Every change is written to the audit trail with the product as its object,
so the product's page tells its whole history. Sale lines copy the name,
price and VAT rate of what they sold: nothing here alters a sale already
made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError

from comptoir.core import audit
from comptoir.customers.models import CustomerGroup
from comptoir.organizations.models import Organization, Park, User

from .models import (
    NATURE_BY_KIND,
    ClosedDay,
    GroupPrice,
    Nature,
    Product,
    ProductKind,
    SlotSchedule,
    VatRate,
)


class CatalogError(Exception):
    """A catalogue change the rules refuse; `message` is for the screen."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ProductSold(CatalogError):
    """A product that was sold is archived, never deleted."""


# The law fixes the VAT of some kinds: a multi-purpose gift voucher is
# outside the scope of VAT when sold (art. 256 ter CGI), and only it.
FORCED_VAT_RATE = {ProductKind.GIFT_VOUCHER: VatRate.OUTSIDE_SCOPE.value}


def tax_treatment(*, kind: str, vat_rate: str, nature: str) -> tuple[str, str]:
    """The VAT rate and nature a product of `kind` must carry.

    Returns them, forced where the law fixes them; raises `CatalogError`
    when the chosen rate is not allowed for the kind.
    """
    kind = ProductKind(kind)
    if kind in FORCED_VAT_RATE:
        return FORCED_VAT_RATE[kind], ""
    if vat_rate not in {r.value for r in VatRate} or vat_rate == "":
        raise CatalogError(
            "Le taux « hors champ » est réservé aux bons cadeaux multi-usages : "
            "choisissez 20 %, 10 %, 5,5 % ou 2,1 %."
        )
    if nature not in {n.value for n in Nature}:
        nature = NATURE_BY_KIND[kind]
    return vat_rate, nature


@dataclass(frozen=True)
class ProductData:
    """A product's settings, validated by a form or a command."""

    name: str
    description: str
    kind: str
    nature: str
    vat_rate: str
    price_incl: Decimal
    voucher_validity_days: int
    public: bool
    sold_at_counter: bool
    position: int


# Fields whose before and after the history shows.
TRACKED = [f.name for f in fields(ProductData)]


def _value(product: Product, name: str) -> str | bool:
    value = getattr(product, name)
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _apply(product: Product, data: ProductData) -> None:
    vat_rate, nature = tax_treatment(
        kind=data.kind, vat_rate=data.vat_rate, nature=data.nature
    )
    for name in TRACKED:
        setattr(product, name, getattr(data, name))
    product.vat_rate, product.nature = vat_rate, nature
    product.price_incl = Decimal(data.price_incl).quantize(Decimal("0.01"))


@transaction.atomic
def create_product(
    *,
    organization: Organization,
    park: Park,
    data: ProductData,
    image: UploadedFile | None = None,
    actor: User | AnonymousUser | None,
) -> Product:
    """A new product of `park`, sold where `data` says."""
    if park.organization_id != organization.pk:
        raise CatalogError("Parc inconnu.")
    product = Product(organization=organization, park=park)
    _apply(product, data)
    if image is not None:
        product.image = image
    product.save()
    audit.record(
        product,
        "catalog.product.created",
        actor=actor,
        data={"values": {name: _value(product, name) for name in TRACKED}},
    )
    return product


@transaction.atomic
def update_product(
    *,
    product: Product,
    data: ProductData,
    image: UploadedFile | None = None,
    remove_image: bool = False,
    actor: User | AnonymousUser | None,
) -> Product:
    """Change a product's settings; sales already made keep theirs."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = {name: _value(product, name) for name in TRACKED}
    _apply(product, data)
    after = {name: _value(product, name) for name in TRACKED}
    changed = {
        name: [before[name], after[name]]
        for name in TRACKED
        if before[name] != after[name]
    }
    image_change = ""
    if image is not None:
        # The file name is a hash of the pixels: a new image never
        # overwrites the file of another product.
        product.image = image
        image_change = "replaced"
    elif remove_image and product.image:
        product.image = ""
        image_change = "removed"
    product.save()
    if changed or image_change:
        audit.record(
            product,
            "catalog.product.updated",
            actor=actor,
            data={"values": changed, "image": image_change},
        )
    return product


@transaction.atomic
def set_product_active(
    *, product: Product, active: bool, actor: User | AnonymousUser | None
) -> Product:
    """Archive a product (no longer offered anywhere) or bring it back."""
    updated = Product.objects.filter(pk=product.pk).exclude(active=active)
    if updated.update(active=active):
        product.active = active
        audit.record(
            product,
            "catalog.product.restored" if active else "catalog.product.archived",
            actor=actor,
        )
    return product


@transaction.atomic
def delete_product(*, product: Product, actor: User | AnonymousUser | None) -> None:
    """Delete a product never sold; one that was sold is archived instead."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    pk, name = product.pk, product.name
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError:
        raise ProductSold(
            "Ce produit a déjà été vendu : il ne peut pas être supprimé. "
            "Archivez-le pour ne plus le proposer."
        ) from None
    product.pk = pk
    audit.record(
        product,
        "catalog.product.deleted",
        actor=actor,
        organization=product.organization,
        data={"name": name},
    )


@transaction.atomic
def set_group_price(
    *,
    product: Product,
    group: CustomerGroup,
    price_incl: Decimal | None,
    actor: User | AnonymousUser | None,
) -> GroupPrice:
    """Open the product in the group's private shop, at `price_incl` (None:
    the public price)."""
    if group.organization_id != product.organization_id:
        raise CatalogError("Groupe inconnu.")
    if price_incl is not None:
        price_incl = Decimal(price_incl).quantize(Decimal("0.01"))
    existing = (
        GroupPrice.objects.select_for_update()
        .filter(product=product, group=group)
        .first()
    )
    before = existing.price_incl if existing else None
    if existing is None:
        existing = GroupPrice.objects.create(
            product=product, group=group, price_incl=price_incl
        )
    elif existing.price_incl != price_incl:
        existing.price_incl = price_incl
        existing.save(update_fields=["price_incl"])
    else:
        return existing
    audit.record(
        product,
        "catalog.group_price.set",
        actor=actor,
        data={
            "group": group.name,
            "before": "" if before is None else f"{before:.2f}",
            "after": "" if price_incl is None else f"{price_incl:.2f}",
        },
    )
    return existing


@transaction.atomic
def remove_group_price(
    *, product: Product, group: CustomerGroup, actor: User | AnonymousUser | None
) -> bool:
    """Close the product in the group's private shop."""
    deleted, _ = GroupPrice.objects.filter(product=product, group=group).delete()
    if deleted:
        audit.record(
            product,
            "catalog.group_price.removed",
            actor=actor,
            data={"group": group.name},
        )
    return bool(deleted)


@dataclass(frozen=True)
class ScheduleData:
    weekdays: str  # digits, Monday=0
    opens_at: dt.time
    closes_at: dt.time
    slot_minutes: int
    capacity: int


def _schedule_values(schedule: SlotSchedule | None) -> dict:
    if schedule is None:
        return {}
    return {
        "weekdays": schedule.weekdays,
        "opens_at": schedule.opens_at.strftime("%H:%M"),
        "closes_at": schedule.closes_at.strftime("%H:%M"),
        "slot_minutes": schedule.slot_minutes,
        "capacity": schedule.capacity,
    }


@transaction.atomic
def save_slot_schedule(
    *, product: Product, data: ScheduleData, actor: User | AnonymousUser | None
) -> SlotSchedule:
    """Set when a booking product can be booked and how many per slot.

    Places already sold stay sold: a smaller capacity only stops new sales.
    """
    if product.kind != ProductKind.BOOKING:
        raise CatalogError("Seules les réservations d'activité ont des créneaux.")
    if data.closes_at <= data.opens_at:
        raise CatalogError("La fermeture doit suivre l'ouverture.")
    if not data.weekdays or set(data.weekdays) - set("0123456"):
        raise CatalogError("Choisissez au moins un jour d'ouverture.")
    weekdays = "".join(sorted(set(data.weekdays)))
    # Locked like a checkout does: no sale counts places while this changes.
    Product.objects.select_for_update().filter(pk=product.pk).exists()
    schedule = SlotSchedule.objects.filter(product=product).first()
    before = _schedule_values(schedule)
    if schedule is None:
        schedule = SlotSchedule(product=product)
    schedule.weekdays = weekdays
    schedule.opens_at = data.opens_at
    schedule.closes_at = data.closes_at
    schedule.slot_minutes = data.slot_minutes
    schedule.capacity = data.capacity
    schedule.save()
    product.slot_schedule = schedule
    after = _schedule_values(schedule)
    if before != after:
        audit.record(
            product,
            "catalog.slots.updated",
            actor=actor,
            data={"before": before, "after": after},
        )
    return schedule


@transaction.atomic
def add_closed_day(
    *, product: Product, day: dt.date, reason: str, actor: User | AnonymousUser | None
) -> ClosedDay:
    """No booking of the product on `day`; bookings already sold stay."""
    closed, created = ClosedDay.objects.get_or_create(
        product=product, day=day, defaults={"reason": reason}
    )
    if created:
        audit.record(
            product,
            "catalog.closed_day.added",
            actor=actor,
            data={"day": day.isoformat(), "reason": reason},
        )
    return closed


@transaction.atomic
def remove_closed_day(
    *, product: Product, day: dt.date, actor: User | AnonymousUser | None
) -> bool:
    deleted, _ = ClosedDay.objects.filter(product=product, day=day).delete()
    if deleted:
        audit.record(
            product,
            "catalog.closed_day.removed",
            actor=actor,
            data={"day": day.isoformat()},
        )
    return bool(deleted)
