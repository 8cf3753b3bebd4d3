"""Things an operator must act on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    INVOICE_NOT_GENERATED = "invoice_not_generated", _("Facture non générée")
    PAYMENT_TO_REFUND = "payment_to_refund", _("Paiement à rembourser")
    REFUND_FAILED = "refund_failed", _("Remboursement non effectué")
    EINVOICE_REJECTED = (
        "einvoice_rejected",
        _("Facture électronique rejetée ou refusée"),
    )
    INVOICE_REQUESTED = "invoice_requested", _("Facture demandée")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Fermée")


class Alert(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="alerts"
    )
    # Empty only for money a payment provider took for no known sale.
    park = models.ForeignKey(
        "organizations.Park",
        on_delete=models.CASCADE,
        related_name="alerts",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("type"), max_length=40, choices=AlertKind.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=AlertStatus.choices, default="open"
    )
    sale = models.ForeignKey(
        "sales.Sale",
        on_delete=models.CASCADE,
        related_name="alerts",
        null=True,
        blank=True,
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.CASCADE,
        related_name="alerts",
        null=True,
        blank=True,
    )
    missing_fields = models.JSONField(_("champs manquants"), default=list, blank=True)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("fermée le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fermée par"),
    )
    closed_reason = models.CharField(
        _("motif de fermeture"), max_length=200, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        constraints = [
            models.UniqueConstraint(
                fields=["sale", "kind"],
                condition=models.Q(status="open"),
                name="one_open_alert_per_sale_kind",
            ),
            # A member asks once per sale: a second click finds the first.
            models.UniqueConstraint(
                fields=["sale"],
                condition=models.Q(kind="invoice_requested"),
                name="one_invoice_request_per_sale",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.message
