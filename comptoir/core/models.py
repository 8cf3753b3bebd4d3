"""Audit trail: who changed what, and when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}#{self.object_id}"


class Counter(models.Model):
    """One row per numbering series, locked while a number is taken.

    Numbers are never "max + 1": the issuing transaction locks this row
    (`select_for_update`), increments it and inserts the document, so
    concurrent issuers queue and a rollback gives the number back.
    """

    park = models.ForeignKey(
        "organizations.Park", on_delete=models.PROTECT, related_name="counters"
    )
    key = models.CharField(max_length=40)
    last_value = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    # HMAC of the document series' state, so it cannot be moved behind the
    # application's back (comptoir/invoicing/integrity.py); empty for sales.
    seal = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["park", "key"], name="counter_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.park_id}:{self.key}={self.last_value}"
