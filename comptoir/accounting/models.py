"""The park's account plan and the accounting exports built in the background."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# PCG account numbers: a class digit (1 to 7), then digits or capitals.
account_number_validator = RegexValidator(
    r"^[1-7][0-9A-Z]{2,19}$",
    _(
        "Un numéro de compte commence par un chiffre de 1 à 7 (classe du PCG), "
        "suivi de 2 à 19 chiffres ou majuscules."
    ),
)


class AccountSetting(models.Model):
    """One account of a park's plan that the manager changed from the default.

    Keys are listed in `accounting.plan`; a key without a row uses its
    default, so a new park exports at once and a new key needs no migration.
    """

    park = models.ForeignKey(
        "organizations.Park", on_delete=models.CASCADE, related_name="account_settings"
    )
    key = models.CharField(max_length=60)
    # An account number, or a journal code for the journal keys.
    number = models.CharField(_("numéro"), max_length=20)
    label = models.CharField(_("libellé"), max_length=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compte du plan comptable")
        verbose_name_plural = _("plan comptable")
        constraints = [
            models.UniqueConstraint(fields=["park", "key"], name="account_setting_key")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.label}"


class ExportFormat(models.TextChoices):
    FEC = "fec", _("FEC (fichier des écritures comptables)")
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (XLSX)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class ExportJob(models.Model):
    """A journal export of a long period, built by a task into storage."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="accounting_exports",
    )
    park = models.ForeignKey(
        "organizations.Park", on_delete=models.CASCADE, related_name="+"
    )
    date_from = models.DateField(_("du"))
    date_to = models.DateField(_("au"))
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ExportStatus.choices,
        default=ExportStatus.PENDING,
    )
    # Documents and payments written so far, out of `total`.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="accounting/%Y/%m/", blank=True)
    filename = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export comptable")
        verbose_name_plural = _("exports comptables")

    def __str__(self) -> str:
        return self.filename or f"{self.park_id} {self.date_from}–{self.date_to}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
