"""Tenants (organizations), their parks (legal sellers) and who logs in."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self, cast

from django.contrib.auth.models import AbstractUser, AnonymousUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from comptoir.core.clock import DEFAULT_TIME_ZONE

if TYPE_CHECKING:
    from .sessions import SessionStore

SESSION_STORE = "comptoir.organizations.sessions.SessionStore"


class Organization(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    """One venue; the legal seller named on its invoices."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="parks"
    )
    name = models.CharField(_("nom du parc"), max_length=200)
    public_code = models.CharField(_("code public"), max_length=20)
    invoice_series = models.CharField(
        _("code de série des factures"),
        max_length=10,
        help_text=_("Par exemple KD : les factures seront numérotées FA-KD-…"),
    )
    # Legal identity of the seller, printed on every invoice.
    company_name = models.CharField(_("raison sociale"), max_length=200)
    legal_form = models.CharField(_("forme juridique"), max_length=50, blank=True)
    share_capital = models.CharField(_("capital social"), max_length=50, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9)
    siret = models.CharField(_("SIRET"), max_length=14)
    rcs = models.CharField(_("RCS"), max_length=100, blank=True)
    vat_number = models.CharField(_("numéro de TVA"), max_length=20)
    address = models.CharField(_("adresse"), max_length=200)
    address_complement = models.CharField(
        _("complément d'adresse"), max_length=200, blank=True
    )
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=100)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    time_zone = models.CharField(
        _("fuseau horaire"), max_length=50, default=DEFAULT_TIME_ZONE
    )
    # Invoice terms.
    payment_terms = models.CharField(
        _("conditions de paiement"),
        max_length=300,
        default=(
            "Paiement comptant à la commande. Pas d'escompte pour paiement anticipé."
        ),
    )
    penalty_text = models.CharField(
        _("pénalités de retard"),
        max_length=300,
        default=(
            "En cas de retard de paiement, pénalités au taux de 3 fois le taux "
            "d'intérêt légal."
        ),
    )
    vat_on_debits = models.BooleanField(
        _("option pour le paiement de la TVA d'après les débits"), default=False
    )
    require_buyer_siren = models.BooleanField(
        _("exiger le SIREN de l'acheteur pour facturer"),
        default=False,
        help_text=_(
            "Réforme de la facturation électronique : le SIREN de l'acheteur "
            "devient une mention obligatoire (2026 pour les grandes entreprises, "
            "2027 pour les autres)."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("parc")
        verbose_name_plural = _("parcs")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "invoice_series"], name="park_series_unique"
            ),
            models.UniqueConstraint(fields=["public_code"], name="park_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_code})"


# A park's settings, the seller its next invoices name, by block as the
# settings page shows them. The one list: the page's form, the settings
# service (which refuses any other field) and its audit trail use it.
PARK_IDENTITY_FIELDS = (
    "name",
    "company_name",
    "legal_form",
    "share_capital",
    "siren",
    "siret",
    "rcs",
    "vat_number",
)
PARK_ADDRESS_FIELDS = (
    "address",
    "address_complement",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
)
PARK_INVOICE_FIELDS = (
    "invoice_series",
    "payment_terms",
    "penalty_text",
    "vat_on_debits",
    "require_buyer_siren",
)
PARK_SETTINGS_FIELDS = PARK_IDENTITY_FIELDS + PARK_ADDRESS_FIELDS + PARK_INVOICE_FIELDS


class UserKind(models.TextChoices):
    STAFF = "staff", _("Personnel")
    MEMBER = "member", _("Membre")
    PLATFORM = "platform", _("Administrateur de la plateforme")


class Role(models.TextChoices):
    MANAGER = "manager", _("Responsable")
    CASHIER = "cashier", _("Caissier")


class User(AbstractUser):
    """Anyone who logs in. Staff and members belong to one organization.

    The same email may exist once per organization and kind: a person who is
    a client of two parks' organizations has two separate accounts.
    """

    kind = models.CharField(
        _("type"), max_length=10, choices=UserKind.choices, default=UserKind.PLATFORM
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, blank=True)

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "email"],
                name="user_email_unique_per_org_kind",
            )
        ]

    @staticmethod
    def username_for(kind: str, organization: Organization | None, email: str) -> str:
        """Login key: members are scoped to their organization, staff are global.

        Staff log in at one back-office address, so a staff email is unique on
        the platform; a member email is unique within its organization.
        """
        org = organization.slug if organization and kind == UserKind.MEMBER else "-"
        return f"{kind}:{org}:{email.strip().lower()}"

    @property
    def is_manager(self) -> bool:
        return self.kind == UserKind.STAFF and self.role == Role.MANAGER

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF and self.organization_id is not None


def saved_user(user: User | AnonymousUser | None) -> User | None:
    """The user to store as the author of a write: a saved account, or
    None (an anonymous visitor, a provider's notification, a command)."""
    return cast(User, user) if getattr(user, "pk", None) else None


class Session(AbstractBaseSession):
    """A database session that names its user, so that one query reads both
    (`comptoir/organizations/sessions.py`). The session data stays the
    authority: `user` is what that query joins, written on every save."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls) -> type[SessionStore]:
        # By path: that module imports the auth machinery, which needs the
        # models loaded first.
        return cast("type[SessionStore]", import_string(SESSION_STORE))
