"""The client record of the back office and the client list's filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.customers.forms import COMPANY_FIELDS, ClientRecordForm
from comptoir.customers.models import CustomerGroup, Profile
from comptoir.customers.selectors import groups_of
from comptoir.organizations.models import Organization

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# What the client search looks in (customers.selectors.CLIENT_SEARCH_FIELDS).
CLIENT_SEARCH_PLACEHOLDER = _("Nom, société, email, ville, compte tiers")
IDENTITY_FIELDS = ["first_name", "last_name", "email", "profile", "initial_park"]
ADDRESS_FIELDS = [
    "phone",
    "address",
    "address_complement",
    "city",
    "postcode",
    "country",
]


class GroupsField(forms.ModelMultipleChoiceField):
    """Group ids; one beyond any database integer is refused as unknown
    (Django would hand it to the database, which raises)."""

    def _check_values(self, value: object) -> QuerySet[CustomerGroup]:
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # Django says it is no valid id
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        # Django's own check; the stubs do not declare it.
        return super()._check_values(value)  # type: ignore[misc]


class BackofficeClientForm(ClientRecordForm):
    """The whole client record, grouped as the product note shows it.

    Managers also choose the client's groups (which decide online invoices);
    cashiers see them but do not change them.
    """

    class Meta(ClientRecordForm.Meta):
        fields = IDENTITY_FIELDS + ["groups"] + ADDRESS_FIELDS + COMPANY_FIELDS
        labels = {
            "first_name": _("Prénom"),
            "last_name": _("Nom"),
            "email": _("Adresse email"),
            "profile": _("Profil client"),
            "initial_park": _("Parc initial"),
            "groups": _("Groupes de clients"),
            "phone": _("Téléphone"),
            "address": _("Adresse"),
            "address_complement": _("Complément d'adresse"),
            "city": _("Ville"),
            "postcode": _("Code postal"),
            "company_name": _("Raison sociale"),
            "accounting_code": _("Code comptable compte tiers"),
            "vat_number": _("Numéro de TVA"),
            "siret": _("Siret / Immat."),
        }
        help_texts = {
            "siret": _("SIRET (14 chiffres) ou SIREN (9 chiffres), puis le RCS."),
            "vat_number": _("Par exemple FR28324567890 : la clé est vérifiée."),
        }
        widgets = {"groups": forms.CheckboxSelectMultiple}
        field_classes = {"groups": GroupsField}

    def __init__(
        self,
        *args,
        organization: Organization,
        can_edit_groups: bool,
        invoice_fields: dict[str, StrOrPromise],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.invoice_fields = invoice_fields
        initial_park = cast(forms.ModelChoiceField, self.fields["initial_park"])
        initial_park.queryset = organization.parks.all()
        initial_park.empty_label = _("— Aucun —")
        cast(forms.ChoiceField, self.fields["profile"]).choices = Profile.choices
        if can_edit_groups:
            groups = cast(forms.ModelMultipleChoiceField, self.fields["groups"])
            groups.queryset = groups_of(organization.pk)
        else:
            del self.fields["groups"]
        for name in invoice_fields:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = "invoice-legend"

    def sections(self) -> list[tuple[StrOrPromise, list]]:
        """The fields by block, in the product note's order."""
        blocks = [
            (_("Identité"), IDENTITY_FIELDS),
            (_("Groupes de clients"), ["groups"]),
            (_("Coordonnées"), ADDRESS_FIELDS),
            (_("Données d'entreprise"), COMPANY_FIELDS),
        ]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in blocks
            if any(name in self.fields for name in names)
        ]


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": CLIENT_SEARCH_PLACEHOLDER}),
    )
    group = forms.ModelChoiceField(
        label=_("Groupe"), queryset=CustomerGroup.objects.none(), required=False
    )
    profile = forms.ChoiceField(
        label=_("Profil"),
        required=False,
        choices=[("", _("Tous")), *Profile.choices],
    )
    incomplete = forms.BooleanField(
        label=_("Fiche incomplète pour la facturation"), required=False
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        group = cast(forms.ModelChoiceField, self.fields["group"])
        group.queryset = groups_of(organization.pk)
        group.empty_label = _("Tous")
