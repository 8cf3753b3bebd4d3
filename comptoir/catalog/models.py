"""What parks sell, and who sees it at what price."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
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


# What the 2026 e-invoicing reform calls the nature of the operation.
NATURE_BY_KIND = {
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
        _("validité du bon (jours)"), default=365
    )
    duration_minutes = models.PositiveIntegerField(
        _("durée (minutes)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["park", "kind", "name"]
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
    def nature(self) -> str:
        return NATURE_BY_KIND[ProductKind(self.kind)]


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
