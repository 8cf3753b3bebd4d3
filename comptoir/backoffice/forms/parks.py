"""Park settings: the seller printed on invoices, its terms and its logo."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from comptoir.customers.forms import COUNTRY_CHOICES
from comptoir.customers.validators import (
    clean_postcode,
    clean_siret,
    clean_vat_number,
)
from comptoir.organizations.logos import sanitised_logo
from comptoir.organizations.models import (
    PARK_ADDRESS_FIELDS,
    PARK_IDENTITY_FIELDS,
    PARK_INVOICE_FIELDS,
    PARK_SETTINGS_FIELDS,
    Organization,
    Park,
)

from .common import YES_NO, yes_no

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SERIES_CODE = re.compile(r"^[A-Z0-9]{1,10}$")


def _digits(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "")


class ParkForm(forms.ModelForm):
    """A park's seller identity, address, invoice terms and logo.

    What is issued keeps its own copy (the snapshot): a change here shows on
    the next documents only. The series code is frozen once the park has
    issued a document, so that its numbering stays continuous.
    """

    # Spaces and dots are welcome in the input; only the digits are kept.
    siren = forms.CharField(label=_("SIREN"), max_length=20)
    siret = forms.CharField(label=_("SIRET"), max_length=30)
    country = forms.ChoiceField(label=_("Pays"), choices=COUNTRY_CHOICES)
    vat_on_debits = forms.TypedChoiceField(
        label=_("TVA acquittée d'après les débits"),
        choices=YES_NO,
        coerce=yes_no,
        widget=forms.RadioSelect,
        help_text=_(
            "Si le parc a opté pour le paiement de la TVA d'après les débits, "
            "la mention figure sur ses factures."
        ),
    )
    require_buyer_siren = forms.TypedChoiceField(
        label=_("Exiger le SIREN de l'acheteur pour facturer"),
        choices=YES_NO,
        coerce=yes_no,
        widget=forms.RadioSelect,
        help_text=_(
            "Réforme de la facturation électronique : le SIREN de l'acheteur "
            "devient une mention obligatoire (2026 pour les grandes entreprises, "
            "2027 pour les autres)."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_(
            "PNG ou JPEG, 1 Mo et 2000 × 2000 pixels au plus. Il figure en tête "
            "des prochaines factures."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Retirer le logo"), required=False)

    class Meta:
        model = Park
        fields = [*PARK_SETTINGS_FIELDS, "logo"]
        labels = {
            "name": _("Nom du parc"),
            "company_name": _("Raison sociale"),
            "legal_form": _("Forme juridique"),
            "share_capital": _("Capital social"),
            "siren": _("SIREN"),
            "siret": _("SIRET"),
            "rcs": _("RCS"),
            "vat_number": _("Numéro de TVA"),
            "address": _("Adresse"),
            "address_complement": _("Complément d'adresse"),
            "postcode": _("Code postal"),
            "city": _("Ville"),
            "email": _("Adresse email"),
            "phone": _("Téléphone"),
            "invoice_series": _("Code de série des factures"),
            "payment_terms": _("Conditions de paiement"),
            "penalty_text": _("Pénalités de retard"),
        }
        help_texts = {
            "share_capital": _("Par exemple : 50 000 €"),
            "rcs": _("Par exemple : RCS Sens 852 345 677"),
            "vat_number": _("Par exemple FR61852345677 : la clé est vérifiée."),
        }
        widgets = {
            "payment_terms": forms.Textarea(attrs={"rows": 2}),
            "penalty_text": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args, organization: Organization, series_locked: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.series_locked = series_locked
        series = self.fields["invoice_series"]
        if series_locked:
            series.disabled = True
            series.help_text = _(
                "Ce parc a déjà émis des factures avec ce code : il ne peut plus "
                "être modifié, pour que la numérotation reste continue."
            )
        else:
            series.help_text = _(
                "Par exemple KD : les factures seront numérotées FA-KD-…. Il ne "
                "pourra plus être modifié après la première facture (numérotation "
                "continue)."
            )

    def sections(self) -> list[tuple[StrOrPromise, list]]:
        blocks = [
            (_("Identité du vendeur"), PARK_IDENTITY_FIELDS),
            (_("Adresse et contact"), PARK_ADDRESS_FIELDS),
            (_("Factures"), PARK_INVOICE_FIELDS),
        ]
        return [(title, [self[name] for name in names]) for title, names in blocks]

    def clean_siren(self) -> str:
        siren = _digits(self.cleaned_data["siren"])
        if not re.fullmatch(r"[0-9]{9}", siren):
            raise forms.ValidationError(_("Le SIREN compte 9 chiffres."))
        return clean_siret(siren)

    def clean_siret(self) -> str:
        siret = _digits(self.cleaned_data["siret"])
        if not re.fullmatch(r"[0-9]{14}", siret):
            raise forms.ValidationError(_("Le SIRET compte 14 chiffres."))
        return clean_siret(siret)

    def clean_invoice_series(self) -> str:
        series = self.cleaned_data["invoice_series"].strip().upper()
        if self.series_locked:
            return self.instance.invoice_series
        if not SERIES_CODE.match(series):
            raise forms.ValidationError(
                _("De 1 à 10 lettres (sans accent) ou chiffres, par exemple KD.")
            )
        taken = Park.objects.filter(
            organization=self.organization, invoice_series=series
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Un autre parc utilise déjà ce code."))
        return series

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return sanitised_logo(logo)
        return logo

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and not isinstance(
            cleaned.get("logo"), UploadedFile
        ):
            cleaned["logo"] = False  # the model field then holds no file
        siren, siret = cleaned.get("siren"), cleaned.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error("siret", _("Le SIRET doit commencer par le SIREN."))
        try:
            cleaned["postcode"] = clean_postcode(
                cleaned.get("postcode", ""), cleaned.get("country") or "FR"
            )
        except forms.ValidationError as exc:
            self.add_error("postcode", exc)
        if "vat_number" in cleaned:
            try:
                cleaned["vat_number"] = clean_vat_number(
                    cleaned["vat_number"], siren or ""
                )
            except forms.ValidationError as exc:
                self.add_error("vat_number", exc)
        return cleaned
