"""Sales (paid baskets), their lines and payments, and what they entitle to."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import ProductKind


class Channel(models.TextChoices):
    ONLINE = "online", _("En ligne")
    COUNTER = "counter", _("Sur place")


class SaleStatus(models.TextChoices):
    PENDING = "pending", _("En attente de paiement")
    PAID = "paid", _("Payée")
    ABANDONED = "abandoned", _("Abandonnée")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Carte bancaire")
    CASH = "cash", _("Espèces")
    CHEQUE = "cheque", _("Chèque")
    GIFT_VOUCHER = "gift_voucher", _("Bon cadeau")
    ONLINE_CARD = "online_card", _("Carte bancaire en ligne")


class Sale(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="sales"
    )
    park = models.ForeignKey(
        "organizations.Park", on_delete=models.PROTECT, related_name="sales"
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.PROTECT,
        related_name="sales",
        null=True,
        blank=True,
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=SaleStatus.choices,
        default=SaleStatus.PENDING,
    )
    # Assigned when paid: a basket is not a sale until it is paid.
    number = models.CharField(_("vente no"), max_length=20, null=True, blank=True)
    sale_date = models.DateField(_("date de vente"), null=True, blank=True)
    total_incl = models.DecimalField(
        _("montant TTC"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-paid_at", "-pk"]
        verbose_name = _("vente")
        verbose_name_plural = _("ventes")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "number"], name="sale_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-paid_at"]),
            models.Index(fields=["client", "-number"]),
            # The dashboard's sales of the day.
            models.Index(
                fields=["organization", "sale_date"],
                condition=models.Q(status="paid"),
                name="sale_paid_by_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Panier %(id)s") % {"id": self.pk}

    @property
    def is_paid(self) -> bool:
        return self.status == SaleStatus.PAID

    @property
    def refunded_amount(self) -> Decimal:
        return -sum(
            (p.amount for p in self.payments.all() if p.amount < 0), Decimal("0.00")
        )


class SaleLine(models.Model):
    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    description = models.CharField(_("désignation"), max_length=200)
    product_kind = models.CharField(max_length=20, choices=ProductKind.choices)
    quantity = models.PositiveIntegerField(_("quantité"))
    unit_price_incl = models.DecimalField(
        _("prix unitaire TTC"), max_digits=10, decimal_places=2
    )
    # Percent; null means outside the scope of VAT (multi-purpose voucher).
    vat_rate = models.DecimalField(
        _("taux de TVA"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    total_incl = models.DecimalField(_("montant TTC"), max_digits=12, decimal_places=2)
    refunded_quantity = models.PositiveIntegerField(_("quantité remboursée"), default=0)
    booking_start = models.DateTimeField(_("créneau"), null=True, blank=True)
    # The product's nature of operation when sold ("" on lines sold before it
    # was recorded: the kind's default then applies).
    nature = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ligne de vente")
        verbose_name_plural = _("lignes de vente")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def net_quantity(self) -> int:
        return self.quantity - self.refunded_quantity


class Payment(models.Model):
    """Money received (positive) or given back (negative) for a sale.

    (provider, reference) is unique: a retried notification finds its payment
    and changes nothing.
    """

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=100)
    method = models.CharField(
        _("moyen de paiement"), max_length=20, choices=PaymentMethod.choices
    )
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    received_at = models.DateTimeField(_("reçu le"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The gift voucher spent, for a payment by voucher at the counter.
    gift_voucher = models.ForeignKey(
        "GiftVoucher",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("bon cadeau"),
    )

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"], name="payment_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} ({self.get_method_display()})"


def _code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Ticket(models.Model):
    """An admission bought in a sale; its code is scanned at the entrance."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sale_line = models.ForeignKey(
        SaleLine, on_delete=models.CASCADE, related_name="tickets"
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=_code)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    # Set when the ticket is refunded: it no longer admits anyone.
    voided_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("billet")
        verbose_name_plural = _("billets")

    def __str__(self) -> str:
        return self.code


class Booking(models.Model):
    """A time slot booked for an activity."""

    sale_line = models.ForeignKey(
        SaleLine, on_delete=models.CASCADE, related_name="bookings"
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    # Places still held: a refund gives back the refunded ones.
    participants = models.PositiveIntegerField(_("participants"), default=1)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")

    def __str__(self) -> str:
        return f"{self.sale_line.description} {self.starts_at:%Y-%m-%d %H:%M}"


class GiftVoucher(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="gift_vouchers",
    )
    sale_line = models.ForeignKey(
        SaleLine, on_delete=models.CASCADE, related_name="gift_vouchers"
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gift_vouchers",
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=_code)
    amount = models.DecimalField(_("montant"), max_digits=10, decimal_places=2)
    balance = models.DecimalField(_("solde"), max_digits=10, decimal_places=2)
    valid_until = models.DateField(_("valable jusqu'au"))
    # Set when the voucher is refunded: its balance is then zero for good.
    voided_at = models.DateTimeField(_("annulé le"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("bon cadeau")
        verbose_name_plural = _("bons cadeaux")

    def __str__(self) -> str:
        return self.code


class CounterReceipt(models.Model):
    """The till receipt of a counter sale and how often it was printed.

    The first print is the original; every later one is marked "DUPLICATA",
    so a receipt cannot be handed out twice as if it were new.
    """

    sale = models.OneToOneField(
        Sale, on_delete=models.PROTECT, related_name="counter_receipt"
    )
    cash_received = models.DecimalField(
        _("espèces reçues"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    change_due = models.DecimalField(
        _("monnaie rendue"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    print_count = models.PositiveIntegerField(_("impressions"), default=0)
    last_printed_at = models.DateTimeField(
        _("dernière impression"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("ticket de caisse")
        verbose_name_plural = _("tickets de caisse")

    def __str__(self) -> str:
        return str(self.sale)
