"""Issued invoices and credit notes: numbered, frozen, hash-chained."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class Scope(models.TextChoices):
    """EN 16931 forbids an "outside the scope of VAT" breakdown beside any
    other category, so a sale mixing gift vouchers and taxable items gets
    one document per scope (docs/vouchers-and-vat.md)."""

    TAXABLE = "taxable", _("Soumis à TVA")
    OUT_OF_SCOPE = "out_of_scope", _("Hors champ de TVA")


class ImmutableDocument(Exception):
    """An issued invoice or credit note cannot be changed or deleted."""


# The only columns written after issue: the rendered file, once.
RENDER_FIELDS = frozenset({"pdf", "pdf_sha256", "pdf_seal", "rendered_at"})


class InvoiceQuerySet(models.QuerySet):
    def fully_credited(self) -> models.Exists:
        """True for an invoice a full credit note has cancelled."""
        return models.Exists(
            Invoice.objects.filter(
                credited_invoice=models.OuterRef("pk"), is_full_credit=True
            )
        )

    def active(self) -> InvoiceQuerySet:
        """Invoices not cancelled by a full credit note: one per sale and scope."""
        return self.filter(kind=DocumentKind.INVOICE).exclude(self.fully_credited())


class Invoice(models.Model):
    """An issued invoice or credit note.

    Invoices are legally required not to change once issued: seller, buyer,
    lines and totals are copied into `snapshot` at issue and the PDF is
    rendered from that copy only. Corrections go through a credit note.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="invoices"
    )
    park = models.ForeignKey(
        "organizations.Park", on_delete=models.PROTECT, related_name="invoices"
    )
    sale = models.ForeignKey(
        "sales.Sale", on_delete=models.PROTECT, related_name="invoices"
    )
    client = models.ForeignKey(
        "customers.Client",
        on_delete=models.PROTECT,
        related_name="invoices",
        null=True,
        blank=True,
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=DocumentKind.choices, default="invoice"
    )
    scope = models.CharField(
        _("régime de TVA"), max_length=12, choices=Scope.choices, default="taxable"
    )
    # n-th invoice of this sale and scope; a full credit note frees the next.
    generation = models.PositiveIntegerField(default=1)
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="credit_notes",
        null=True,
        blank=True,
        verbose_name=_("facture d'origine"),
    )
    is_full_credit = models.BooleanField(default=False)
    sequence = models.PositiveBigIntegerField()
    number = models.CharField(_("numéro"), max_length=40)
    issued_at = models.DateTimeField(_("date d'émission"))
    issue_date = models.DateField()
    sale_number = models.CharField(_("vente no"), max_length=20)
    sale_date = models.DateField(_("date de vente"))
    buyer_name = models.CharField(_("client"), max_length=200, blank=True)
    total_excl = models.DecimalField(_("montant HT"), max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(_("TVA"), max_digits=12, decimal_places=2)
    total_incl = models.DecimalField(_("montant TTC"), max_digits=12, decimal_places=2)
    snapshot = models.JSONField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # HMAC of the stored file's name and checksum (comptoir/invoicing/integrity.py).
    pdf_seal = models.CharField(max_length=64, blank=True, default="", db_default="")
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-sequence"]
        verbose_name = _("facture ou avoir")
        verbose_name_plural = _("factures et avoirs")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "kind", "sequence"], name="invoice_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "number"], name="invoice_number_unique"
            ),
            # One sale, one invoice per scope, until a full credit note frees it.
            models.UniqueConstraint(
                fields=["sale", "scope", "generation"],
                condition=models.Q(kind="invoice"),
                name="one_invoice_per_sale_scope",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-sale_number"]),
            models.Index(fields=["organization", "-issued_at"]),
            # The back office's list and export of a period: range and order
            # from the first four columns, count and signed totals from the
            # index alone (key columns, not INCLUDE: SQLite has no INCLUDE).
            models.Index(
                fields=[
                    "organization",
                    "-issue_date",
                    "-issued_at",
                    "-id",
                    "kind",
                    "total_excl",
                    "total_vat",
                    "total_incl",
                ],
                name="invoice_org_issue_date",
            ),
            models.Index(
                fields=["rendered_at"],
                condition=models.Q(rendered_at__isnull=True),
                name="invoice_unrendered",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Issuing inserts a new document with `core.rows.insert`, without
        # this method: it only guards documents already issued.
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if (
                update_fields is None
                or not set(update_fields) <= RENDER_FIELDS
                # The file is stored once: a rendered document keeps it.
                or Invoice.objects.filter(pk=self.pk).exclude(pdf_sha256="").exists()
            ):
                raise ImmutableDocument(
                    _("Le document %(number)s est émis : il ne peut plus être modifié.")
                    % {"number": self.number}
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableDocument(
            _("Le document %(number)s est émis : il ne peut pas être supprimé.")
            % {"number": self.number}
        )

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def sign(self) -> int:
        return -1 if self.is_credit_note else 1

    @property
    def signed_total_incl(self) -> Decimal:
        return self.sign * self.total_incl

    @property
    def signed_total_excl(self) -> Decimal:
        return self.sign * self.total_excl

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


# Named first: the stubs only type `from_queryset` in an assignment.
_InvoiceManager = models.Manager.from_queryset(InvoiceQuerySet)


class CreditNoteManager(_InvoiceManager):
    def get_queryset(self) -> InvoiceQuerySet:
        # The stubs leave the generated manager's queryset type unresolved.
        queryset = super().get_queryset().filter(kind=DocumentKind.CREDIT_NOTE)
        return cast(InvoiceQuerySet, queryset)


class CreditNote(Invoice):
    """An `Invoice` row of kind credit note ("avoir")."""

    objects: ClassVar[CreditNoteManager] = CreditNoteManager()

    class Meta:
        proxy = True
        verbose_name = _("avoir")
        verbose_name_plural = _("avoirs")


class InvoiceTaxLine(models.Model):
    """Per-rate totals of a document, for exports and the accountant's list."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="tax_lines"
    )
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    vat_category = models.CharField(max_length=2)
    base = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    total_incl = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["invoice", "-vat_rate"]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.vat_rate}"
