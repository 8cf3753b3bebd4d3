"""Clients, customer groups and who belongs to which."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import siren_from_siret, siret_from_field


class Profile(models.TextChoices):
    INDIVIDUAL = "individual", _("Particulier")
    PROFESSIONAL = "professional", _("Professionnel")


class CustomerGroup(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("nom"), max_length=100)
    private_shop = models.BooleanField(_("boutique en ligne privée"), default=False)
    online_invoices = models.BooleanField(
        _("factures disponibles en ligne"),
        default=False,
        help_text=_(
            "Activer (ou non) la mise à disposition des factures en ligne. "
            "Note : « non » est activé par défaut."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("groupe de clients")
        verbose_name_plural = _("groupes de clients")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="group_name_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Client(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="clients"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client",
    )
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    profile = models.CharField(
        _("profil client"),
        max_length=20,
        choices=Profile.choices,
        default=Profile.INDIVIDUAL,
    )
    initial_park = models.ForeignKey(
        "organizations.Park",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("parc initial"),
    )
    groups = models.ManyToManyField(
        CustomerGroup,
        related_name="clients",
        blank=True,
        verbose_name=_("groupes de clients"),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    address_complement = models.CharField(
        _("complément d'adresse"), max_length=200, blank=True
    )
    city = models.CharField(_("ville"), max_length=100, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    # "Données d'entreprise"
    company_name = models.CharField(_("raison sociale"), max_length=200, blank=True)
    accounting_code = models.CharField(
        _("code comptable compte tiers"), max_length=30, blank=True
    )
    vat_number = models.CharField(_("numéro de TVA"), max_length=20, blank=True)
    siret = models.CharField(_("Siret / Immat."), max_length=60, blank=True)
    # The language its mails are written in; "" until the member first logs in.
    language = models.CharField(
        _("langue"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["organization", "last_name"]),
            models.Index(fields=["organization", "company_name"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def siren(self) -> str:
        """The SIREN read from the SIRET / registration field, when it holds one."""
        return siren_from_siret(self.siret)

    @property
    def siret_digits(self) -> str:
        """The 14-digit SIRET, when the field holds a valid one."""
        return siret_from_field(self.siret)
