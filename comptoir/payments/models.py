"""Payment provider settings, checkout sessions, refunds and the provider log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField


class ProviderName(models.TextChoices):
    SIMULATOR = "simulator", _("Simulateur de paiement (démonstration)")
    STRIPE = "stripe", _("Stripe")


class ProviderAccount(models.Model):
    """The payment provider an organization sells online with, and its keys.

    Secrets are encrypted at rest (Fernet, key from the environment) and
    never shown again in full once saved.
    """

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="payment_account",
    )
    provider = models.CharField(
        _("prestataire"),
        max_length=20,
        choices=ProviderName.choices,
        default=ProviderName.SIMULATOR,
    )
    publishable_key = models.CharField(_("clé publiable"), max_length=255, blank=True)
    # The library stores an empty value as NULL.
    secret_key = EncryptedCharField(
        _("clé secrète"), max_length=255, blank=True, null=True
    )
    webhook_secret = EncryptedCharField(
        _("secret de signature des webhooks"), max_length=255, blank=True, null=True
    )
    checked_at = models.DateTimeField(_("testé le"), null=True, blank=True)
    check_ok = models.BooleanField(_("connexion valide"), null=True)
    check_message = models.CharField(_("résultat du test"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("paiement en ligne")
        verbose_name_plural = _("paiements en ligne")

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_provider_display()}"

    @property
    def is_real(self) -> bool:
        """A provider that takes real money, with all its keys."""
        return self.provider == ProviderName.STRIPE and all(
            (self.publishable_key, self.secret_key, self.webhook_secret)
        )


class SessionStatus(models.TextChoices):
    OPEN = "open", _("ouverte")
    COMPLETE = "complete", _("payée")
    EXPIRED = "expired", _("expirée")


class CheckoutSession(models.Model):
    """One trip of a pending sale to the provider's payment page."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    sale = models.ForeignKey(
        "sales.Sale", on_delete=models.CASCADE, related_name="checkout_sessions"
    )
    provider = models.CharField(max_length=20, choices=ProviderName.choices)
    session_id = models.CharField(max_length=255)
    url = models.URLField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "session_id"], name="checkout_session_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.session_id


class EventOutcome(models.TextChoices):
    RECEIVED = "received", _("reçu, sans effet")
    ACCEPTED = "accepted", _("accepté")
    REFUSED = "refused", _("refusé")
    DUPLICATE = "duplicate", _("doublon")
    AMOUNT_MISMATCH = "amount_mismatch", _("montant différent")
    FLAGGED_FOR_REFUND = "flagged_for_refund", _("argent reçu, à rembourser")
    UNKNOWN_SALE = "unknown_sale", _("vente inconnue")
    INVALID = "invalid", _("invalide")


class ProviderEvent(models.Model):
    """One message from (or question to) a payment provider, and what it did.

    Every notification, webhook and sweep answer lands here, on its sale when
    one is known: the back office shows it on the sale's page.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="provider_events",
    )
    sale = models.ForeignKey(
        "sales.Sale",
        on_delete=models.CASCADE,
        related_name="provider_events",
        null=True,
        blank=True,
    )
    provider = models.CharField(_("prestataire"), max_length=20)
    event_id = models.CharField(_("événement"), max_length=255, blank=True)
    event_type = models.CharField(_("type"), max_length=100)
    outcome = models.CharField(
        _("résultat"), max_length=20, choices=EventOutcome.choices
    )
    reference = models.CharField(_("référence"), max_length=255, blank=True)
    amount = models.DecimalField(
        _("montant"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, blank=True)
    message = models.TextField(_("détail"), blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("événement du prestataire de paiement")
        verbose_name_plural = _("événements du prestataire de paiement")
        indexes = [
            models.Index(fields=["organization", "provider", "event_id"]),
            models.Index(fields=["organization", "outcome", "-received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.get_outcome_display()}"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("demandé au prestataire")
    PENDING = "pending", _("en attente du prestataire")
    SUCCEEDED = "succeeded", _("accepté")
    FAILED = "failed", _("refusé par le prestataire")
    UNREACHABLE = "unreachable", _("prestataire injoignable")


class ProviderRefund(models.Model):
    """A refund asked of the provider; the credit note waits for its yes."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    sale = models.ForeignKey(
        "sales.Sale", on_delete=models.PROTECT, related_name="provider_refunds"
    )
    provider = models.CharField(max_length=20, choices=ProviderName.choices)
    # Ours, from the refund form: also the provider's idempotency key.
    reference = models.CharField(max_length=100, unique=True)
    payment_reference = models.CharField(max_length=255)
    provider_refund_id = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    # {sale line pk: quantity}; every remaining quantity when empty.
    quantities = models.JSONField(default=dict, blank=True)
    everything = models.BooleanField(default=False)
    reason = models.CharField(_("motif"), max_length=200)
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=RefundStatus.choices,
        default=RefundStatus.REQUESTED,
    )
    failure = models.CharField(_("motif du refus"), max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("remboursement auprès du prestataire")
        verbose_name_plural = _("remboursements auprès du prestataire")

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_status_display()})"

    @property
    def idempotency_key(self) -> str:
        return f"comptoir-refund-{self.reference}"
