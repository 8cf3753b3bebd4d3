"""The client record form, shared by the back office and the member space.

Both front ends validate exactly the same way (python-stdnum for SIRET/SIREN
and VAT numbers, French postcode format).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.organizations.models import User, UserKind

from .models import Client
from .text import has_forbidden_chars
from .validators import clean_postcode, clean_siret, clean_vat_number, siren_from_siret

CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "address_complement",
    "city",
    "postcode",
    "country",
]
COMPANY_FIELDS = ["company_name", "accounting_code", "vat_number", "siret"]
COUNTRY_CHOICES = [
    ("FR", _("France")),
    ("BE", _("Belgique")),
    ("CH", _("Suisse")),
    ("LU", _("Luxembourg")),
    ("DE", _("Allemagne")),
    ("ES", _("Espagne")),
    ("IT", _("Italie")),
    ("GB", _("Royaume-Uni")),
]


class ClientRecordForm(forms.ModelForm):
    """Contact and company data with French business-identifier checks."""

    country = forms.ChoiceField(label=_("Pays"), choices=COUNTRY_CHOICES, initial="FR")

    class Meta:
        model = Client
        fields = CONTACT_FIELDS + COMPANY_FIELDS

    def clean_email(self) -> str:
        email = (self.cleaned_data.get("email") or "").strip()
        client = self.instance
        if client.user_id and email and email.lower() != (client.email or "").lower():
            username = User.username_for(UserKind.MEMBER, client.organization, email)
            if (
                User.objects.filter(username=username)
                .exclude(pk=client.user_id)
                .exists()
            ):
                raise ValidationError(
                    _("Un autre membre se connecte déjà avec cette adresse email.")
                )
        return email

    def record_values(self) -> dict[str, object]:
        """The validated record fields, for `services.save_client` (the
        customer groups, a separate choice, apart)."""
        return {
            name: value for name, value in self.cleaned_data.items() if name != "groups"
        }

    def clean_siret(self) -> str:
        return clean_siret(self.cleaned_data.get("siret", ""))

    def clean(self) -> dict[str, Any]:
        # Django's Form.clean returns cleaned_data (typed optional).
        cleaned = cast("dict[str, Any]", super().clean())
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and has_forbidden_chars(value):
                self.add_error(
                    name,
                    _(
                        "Ce champ contient des caractères non autorisés "
                        "(invisibles ou de contrôle) : retapez-le sans "
                        "copier-coller."
                    ),
                )
        country = cleaned.get("country") or "FR"
        try:
            cleaned["postcode"] = clean_postcode(cleaned.get("postcode", ""), country)
        except ValidationError as exc:
            self.add_error("postcode", exc)
        siren = siren_from_siret(cleaned.get("siret") or "")
        try:
            cleaned["vat_number"] = clean_vat_number(
                cleaned.get("vat_number", ""), siren
            )
        except ValidationError as exc:
            self.add_error("vat_number", exc)
        return cleaned


class CompanyDetailsForm(ClientRecordForm):
    """Only the fields an invoice needs, offered at checkout."""

    class Meta(ClientRecordForm.Meta):
        fields = [
            "company_name",
            "address",
            "address_complement",
            "postcode",
            "city",
            "country",
            "vat_number",
            "siret",
        ]
