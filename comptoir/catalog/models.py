"""What parks sell, and who sees it at what price."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ProductKind(models.TextChoices):
    ENTRY = "entry", _("Entrée")
    TICKET = "ticket", _("Billet")
    BOOKING = "booking", _("Réservation d'activité")
    GIFT_VOUCHER = "gift_voucher", _("Bon cadeau")
    MERCHANDISE = "merchandise", _("Boutique")
    FOOD_DRINK = "food_drink", _("Snack & boissons")


class VatRate(models.TextChoices):
    STANDARD = "20.00", _("20 %")
    INTERMEDIATE = "10.00", _("10 %")
    REDUCED = "5.50", _("5,5 %")
    SUPER_REDUCED = "2.10", _("2,1 %")
    OUTSIDE_SCOPE = "", _("Hors champ de TVA (bon cadeau multi-usages)")


# Kinds whose units are admissions: one ticket per unit, scanned at the door.
ADMISSION_KINDS = frozenset({ProductKind.ENTRY, ProductKind.TICKET})
# Kinds that carry a validity period.
VALIDITY_KINDS = ADMISSION_KINDS | {ProductKind.GIFT_VOUCHER}


class Nature(models.TextChoices):
    """What the 2026 e-invoicing reform calls the nature of the operation."""

    SERVICES = "services", _("Prestation de services")
    GOODS = "goods", _("Livraison de biens")


# The default nature of each kind; a multi-purpose voucher has none (it is
# outside the scope of VAT when sold), hence "voucher".
NATURE_BY_KIND = {
    ProductKind.ENTRY: "services",
    ProductKind.TICKET: "services",
    ProductKind.BOOKING: "services",
    ProductKind.GIFT_VOUCHER: "voucher",
    ProductKind.MERCHANDISE: "goods",
    ProductKind.FOOD_DRINK: "goods",
}


class Product(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="products"
    )
    park = models.ForeignKey(
        "organizations.Park", on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=ProductKind.choices)
    price_incl = models.DecimalField(
        _("prix TTC"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    vat_rate = models.CharField(
        _("taux de TVA"), max_length=5, choices=VatRate.choices, blank=True
    )
    public = models.BooleanField(_("en vente dans la boutique publique"), default=True)
    active = models.BooleanField(_("actif"), default=True)
    voucher_validity_days = models.PositiveIntegerField(
        _("validité (jours)"),
        default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
        help_text=_("Billets, entrées et bons cadeaux : jours à compter de l'achat."),
    )
    duration_minutes = models.PositiveIntegerField(
        _("durée (minutes)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    # "" : the kind's default nature (NATURE_BY_KIND).
    nature = models.CharField(
        _("nature de l'opération"), max_length=10, choices=Nature.choices, blank=True
    )
    sold_at_counter = models.BooleanField(_("en vente à la caisse"), default=True)
    position = models.PositiveIntegerField(
        _("ordre dans la boutique"),
        default=0,
        help_text=_("Les plus petits numéros s'affichent en premier."),
    )

    class Meta:
        ordering = ["park", "position", "kind", "name"]
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        constraints = [
            # A multi-purpose gift voucher is outside the scope of VAT when sold;
            # every other product carries a rate.
            models.CheckConstraint(
                condition=(models.Q(kind="gift_voucher") & models.Q(vat_rate=""))
                | (~models.Q(kind="gift_voucher") & ~models.Q(vat_rate="")),
                name="product_vat_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def vat_rate_decimal(self) -> Decimal | None:
        return Decimal(self.vat_rate) if self.vat_rate else None

    @property
    def operation_nature(self) -> str:
        """The nature a sale line records: the chosen one, "voucher" for a
        multi-purpose voucher."""
        if self.kind == ProductKind.GIFT_VOUCHER or not self.nature:
            return NATURE_BY_KIND[ProductKind(self.kind)]
        return self.nature

    @property
    def is_booking(self) -> bool:
        return self.kind == ProductKind.BOOKING

    @property
    def has_validity(self) -> bool:
        return self.kind in VALIDITY_KINDS


class GroupPrice(models.Model):
    """A product opened to a group's private shop, at the group's price."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="group_prices"
    )
    group = models.ForeignKey(
        "customers.CustomerGroup", on_delete=models.CASCADE, related_name="prices"
    )
    price_incl = models.DecimalField(
        _("prix TTC du groupe"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Vide : le prix public s'applique."),
        validators=[MinValueValidator(Decimal("0.00"))],
    )

    class Meta:
        verbose_name = _("prix de groupe")
        verbose_name_plural = _("prix de groupe")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "group"], name="group_price_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} / {self.group}"


def weekday_choices() -> list[tuple[str, StrOrPromise]]:
    return [
        ("0", _("lundi")),
        ("1", _("mardi")),
        ("2", _("mercredi")),
        ("3", _("jeudi")),
        ("4", _("vendredi")),
        ("5", _("samedi")),
        ("6", _("dimanche")),
    ]


class SlotSchedule(models.Model):
    """When a booking product can be booked, and how many per slot.

    Slots start at `opens_at`, then every `slot_minutes`, the last one ending
    by `closes_at`, on the chosen weekdays (park's wall clock), except the
    product's closed days.
    """

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="slot_schedule"
    )
    # ISO weekdays Monday=0 … Sunday=6, as digits: "0123456" is every day.
    weekdays = models.CharField(_("jours d'ouverture"), max_length=7)
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))
    slot_minutes = models.PositiveIntegerField(
        _("durée d'un créneau (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    capacity = models.PositiveIntegerField(
        _("places par créneau"),
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )

    class Meta:
        verbose_name = _("créneaux de réservation")
        verbose_name_plural = _("créneaux de réservation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="slot_schedule_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1) & models.Q(slot_minutes__gte=5),
                name="slot_schedule_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.product)

    def open_on_weekday(self, weekday: int) -> bool:
        return str(weekday) in self.weekdays


class ClosedDay(models.Model):
    """A day a booking product takes no booking (holiday, private event)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="closed_days"
    )
    day = models.DateField(_("jour de fermeture"))
    reason = models.CharField(_("motif"), max_length=120, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("jour de fermeture")
        verbose_name_plural = _("jours de fermeture")
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="closed_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.day:%d/%m/%Y}"
