"""E-invoicing through an approved platform (PA): settings, transmissions of
documents, their life-cycle statuses, directory look-ups and B2C e-reports."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField


class Mode(models.TextChoices):
    OFF = "off", _("Désactivée")
    TEST = "test", _("Test")
    PRODUCTION = "production", _("Production")


class ReportingPeriod(models.TextChoices):
    DECADE = "decade", _("Par décade (régime réel normal)")
    MONTH = "month", _("Par mois (régime réel simplifié)")


class EInvoicingSettings(models.Model):
    """One organization's "Facturation électronique" setting.

    Credentials are encrypted at rest (SALT_KEY / COMPTOIR_ENCRYPTION_KEYS).
    An empty base URL in test mode means the local stand-in, which only a
    development installation provides (EINVOICING_LOCAL_STANDIN).
    """

    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="einvoicing_settings",
    )
    mode = models.CharField(
        _("facturation électronique"),
        max_length=12,
        choices=Mode.choices,
        default=Mode.OFF,
    )
    base_url = models.URLField(
        _("adresse de l'API de la plateforme agréée (Flow Service)"), blank=True
    )
    directory_url = models.URLField(
        _("adresse de l'annuaire (Directory Service)"),
        blank=True,
        help_text=_("Vide : la même adresse que le Flow Service."),
    )
    # Encrypted fields store an empty value as NULL.
    api_key = EncryptedCharField(
        _("jeton d'accès"), max_length=500, blank=True, null=True
    )
    webhook_secret = EncryptedCharField(
        _("secret de signature des notifications"),
        max_length=200,
        blank=True,
        null=True,
    )
    reporting_period = models.CharField(
        _("périodicité de l'e-reporting"),
        max_length=10,
        choices=ReportingPeriod.choices,
        default=ReportingPeriod.DECADE,
    )
    enabled_at = models.DateTimeField(
        _("activée le"),
        null=True,
        blank=True,
        help_text=_("Seuls les documents émis depuis sont transmis."),
    )
    reporting_since = models.DateField(
        _("e-reporting à partir du"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réglage de facturation électronique")
        verbose_name_plural = _("réglages de facturation électronique")

    def __str__(self) -> str:
        return f"{self.organization} ({self.mode})"

    @property
    def is_enabled(self) -> bool:
        return self.mode != Mode.OFF


class TransmissionState(models.TextChoices):
    PENDING = "pending", _("À transmettre")
    SUBMITTING = "submitting", _("Transmission en cours")
    SUBMITTED = "submitted", _("Transmise")
    REJECTED = "rejected", _("Rejetée par la plateforme")


class Transmission(models.Model):
    """The one flow of one invoice or credit note: a document is never
    submitted twice (unique document, claim before sending, search by
    tracking id after a crash — docs/einvoicing.md)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="einvoice_transmissions",
    )
    document = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="transmission"
    )
    # The flow's trackingId: the document's own public id, stable forever.
    tracking_id = models.CharField(max_length=64, unique=True)
    state = models.CharField(
        _("état"),
        max_length=12,
        choices=TransmissionState.choices,
        default=TransmissionState.PENDING,
    )
    flow_id = models.CharField(_("identifiant du flux"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    status_code = models.CharField(_("statut"), max_length=3, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    # The "encaissée" status for a paid services invoice: sent once.
    cashed_state = models.CharField(max_length=12, blank=True)
    cashed_attempts = models.PositiveIntegerField(default=0)
    cashed_claimed_until = models.DateTimeField(null=True, blank=True)
    cashed_flow_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("transmission")
        verbose_name_plural = _("transmissions")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["organization", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.state}"


class StatusEvent(models.Model):
    """One life-cycle status of a transmitted document, as the PA dated it."""

    transmission = models.ForeignKey(
        Transmission, on_delete=models.CASCADE, related_name="events"
    )
    code = models.CharField(_("code"), max_length=3)
    occurred_at = models.DateTimeField(_("date"))
    reason = models.TextField(_("motif"), blank=True)
    source = models.CharField(max_length=12)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            # Polling and webhooks may bring the same status again.
            models.UniqueConstraint(
                fields=["transmission", "code", "occurred_at"],
                name="status_event_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.occurred_at:%Y-%m-%d %H:%M}"


class DirectoryEntry(models.Model):
    """What the PA's directory said about a SIREN, kept for a while."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="directory_entries",
    )
    siren = models.CharField(_("SIREN"), max_length=9)
    found = models.BooleanField(_("inscrit à l'annuaire"), default=False)
    addressing_identifier = models.CharField(
        _("adresse de facturation électronique"), max_length=200, blank=True
    )
    platform = models.CharField(
        _("plateforme de réception"), max_length=200, blank=True
    )
    name = models.CharField(
        _("raison sociale à l'annuaire"), max_length=200, blank=True
    )
    looked_up_at = models.DateTimeField(_("consulté le"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "siren"], name="directory_entry_unique"
            )
        ]
        verbose_name = _("consultation de l'annuaire")
        verbose_name_plural = _("consultations de l'annuaire")

    def __str__(self) -> str:
        return self.siren


class ReportState(models.TextChoices):
    READY = "ready", _("Prêt à envoyer")
    SUBMITTING = "submitting", _("Envoi en cours")
    SENT = "sent", _("Transmis")
    ACCEPTED = "accepted", _("Accepté")
    REJECTED = "rejected", _("Rejeté")


class EReport(models.Model):
    """A numbered B2C e-report of one park and one period (decade or month):
    sales to individuals and payments for services, per day, rate, category."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="ereports"
    )
    park = models.ForeignKey(
        "organizations.Park", on_delete=models.PROTECT, related_name="ereports"
    )
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("numéro"), max_length=40)
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    content = models.TextField()  # the XML sent, frozen
    totals = models.JSONField(default=dict)
    state = models.CharField(
        _("état"), max_length=12, choices=ReportState.choices, default="ready"
    )
    sends = models.PositiveIntegerField(_("envois"), default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    flow_id = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("établi le"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "sequence"], name="ereport_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["park", "period_start", "period_end"],
                name="ereport_period_unique",
            ),
        ]
        verbose_name = _("e-reporting")
        verbose_name_plural = _("e-reportings")

    def __str__(self) -> str:
        return self.number

    @property
    def tracking_id(self) -> str:
        """One tracking id per send: a re-send is a new, deliberate flow."""
        return f"{self.public_id}-{self.sends}"


class WebhookEvent(models.Model):
    """A PA notification already handled: the same one twice changes nothing."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    event_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "event_id"], name="webhook_event_unique"
            )
        ]

    def __str__(self) -> str:
        return self.event_id
