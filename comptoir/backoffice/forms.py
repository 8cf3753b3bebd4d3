"""Back-office forms: input checks only, with French messages."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product
from comptoir.customers.forms import COMPANY_FIELDS, ClientRecordForm
from comptoir.customers.models import Client, CustomerGroup, Profile
from comptoir.customers.selectors import clients_of, groups_of
from comptoir.organizations.models import Organization, Park, User, UserKind
from comptoir.sales.models import Channel, PaymentMethod
from comptoir.sales.services import Item

YES_NO = [(True, _("Oui")), (False, _("Non"))]
COUNTER_METHODS = [
    (PaymentMethod.CASH, _("Espèces")),
    (PaymentMethod.CARD, _("Carte bancaire")),
    (PaymentMethod.CHEQUE, _("Chèque")),
    (PaymentMethod.GIFT_VOUCHER, _("Bon cadeau")),
]
REFUND_METHODS = COUNTER_METHODS + [
    (PaymentMethod.ONLINE_CARD, _("Carte bancaire en ligne")),
]
REFERENCE = re.compile(r"^[0-9a-f]{32}$")


def _yes_no(value) -> bool:
    return value in (True, "True", "true", "1", 1)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffLoginForm(forms.Form):
    """Staff only: a member's email and password never open the back office."""

    email = forms.EmailField(
        label=_("Adresse email"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            user = authenticate(
                self.request, email=email, password=password, kind=UserKind.STAFF
            )
            if user is None or not user.is_staff_member:
                raise forms.ValidationError(
                    _("Email ou mot de passe incorrect."), code="invalid_login"
                )
            self.user = user
        return cleaned


class GroupForm(forms.ModelForm):
    """A customer group's settings, as the product note shows them."""

    private_shop = forms.TypedChoiceField(
        label=_("Boutique en ligne privée"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        initial=False,
        help_text=_(
            "Les membres du groupe voient, une fois connectés, les produits "
            "réservés au groupe et ses prix."
        ),
    )
    online_invoices = forms.TypedChoiceField(
        label=_("Factures disponibles en ligne"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        initial=False,
        help_text=_(
            "Activer (ou non) la mise à disposition des factures en ligne. "
            "Note : 'non' est activé par défaut"
        ),
    )

    class Meta:
        model = CustomerGroup
        fields = ["name", "private_shop", "online_invoices"]
        labels = {"name": _("Nom du groupe")}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = groups_of(self.organization.pk).filter(name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Un groupe porte déjà ce nom."))
        return name


IDENTITY_FIELDS = ["first_name", "last_name", "email", "profile", "initial_park"]
ADDRESS_FIELDS = [
    "phone",
    "address",
    "address_complement",
    "city",
    "postcode",
    "country",
]


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

    def __init__(
        self,
        *args,
        organization: Organization,
        can_edit_groups: bool,
        invoice_fields: dict[str, str],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.invoice_fields = invoice_fields
        self.fields["initial_park"].queryset = organization.parks.all()
        self.fields["initial_park"].empty_label = _("— Aucun —")
        self.fields["profile"].choices = [
            (Profile.INDIVIDUAL, _("Particulier")),
            (Profile.PROFESSIONAL, _("Professionnel")),
        ]
        if can_edit_groups:
            self.fields["groups"].queryset = groups_of(organization.pk)
        else:
            del self.fields["groups"]
        for name in invoice_fields:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = "invoice-legend"

    def sections(self) -> list[tuple[str, list]]:
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
        widget=forms.SearchInput(
            attrs={"placeholder": _("Nom, société, email, ville, compte tiers")}
        ),
    )
    group = forms.ModelChoiceField(
        label=_("Groupe"), queryset=CustomerGroup.objects.none(), required=False
    )
    profile = forms.ChoiceField(
        label=_("Profil"),
        required=False,
        choices=[
            ("", _("Tous")),
            (Profile.INDIVIDUAL, _("Particulier")),
            (Profile.PROFESSIONAL, _("Professionnel")),
        ],
    )
    incomplete = forms.BooleanField(
        label=_("Fiche incomplète pour la facturation"), required=False
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups_of(organization.pk)
        self.fields["group"].empty_label = _("Tous")


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un client"),
        required=False,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Nom, société, email, ville, compte tiers")}
        ),
    )


class CounterSaleForm(forms.Form):
    """A basket paid at the counter.

    `reference` is drawn when the form is shown and sent back hidden: the
    same form submitted twice records one sale (see record_counter_sale).
    """

    reference = forms.CharField(widget=forms.HiddenInput)
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, widget=forms.HiddenInput
    )
    method = forms.ChoiceField(
        label=_("Moyen de paiement"),
        choices=COUNTER_METHODS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le moyen de paiement.")},
    )
    issue_invoice = forms.BooleanField(
        label=_("Éditer la facture tout de suite"), required=False
    )

    def __init__(self, *args, organization: Organization, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        self.fields["client"].queryset = clients_of(organization.pk)
        if not self.is_bound:
            self.initial.setdefault("reference", uuid.uuid4().hex)
        for product in self.products:
            self.fields[self.quantity_field(product)] = forms.IntegerField(
                label=product.name,
                required=False,
                min_value=0,
                max_value=999,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": 999,
                        "inputmode": "numeric",
                        "placeholder": "0",
                    }
                ),
            )

    @staticmethod
    def quantity_field(product: Product) -> str:
        return f"qty_{product.pk}"

    def product_rows(self):
        return [
            (product, self[self.quantity_field(product)]) for product in self.products
        ]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        if not REFERENCE.match(reference):
            raise forms.ValidationError(_("Formulaire expiré : rechargez la page."))
        return reference

    def clean(self):
        cleaned = super().clean()
        if not self.items():
            raise forms.ValidationError(_("Ajoutez au moins un produit."))
        return cleaned

    def items(self) -> list[Item]:
        data = getattr(self, "cleaned_data", {})
        return [
            Item(product, data[self.quantity_field(product)])
            for product in self.products
            if data.get(self.quantity_field(product))
        ]


class RefundForm(forms.Form):
    """Quantities to give back per sale line; all of them with `everything`."""

    reference = forms.CharField(widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("Remboursé par"), choices=REFUND_METHODS)
    reason = forms.CharField(
        label=_("Motif"),
        max_length=200,
        initial=_("Remboursement"),
        error_messages={"required": _("Indiquez le motif du remboursement.")},
    )

    def __init__(self, *args, sale, **kwargs):
        super().__init__(*args, **kwargs)
        self.sale = sale
        self.lines = [line for line in sale.lines.all() if line.net_quantity > 0]
        if not self.is_bound:
            self.initial.setdefault("reference", uuid.uuid4().hex)
            self.initial.setdefault("method", _default_refund_method(sale))
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.description,
                required=False,
                min_value=0,
                max_value=line.net_quantity,
                widget=forms.NumberInput(attrs={"min": 0, "max": line.net_quantity}),
            )

    def line_rows(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"]
        if not REFERENCE.match(reference):
            raise forms.ValidationError(_("Formulaire expiré : rechargez la page."))
        return reference

    def quantities(self, everything: bool) -> dict[int, int] | None:
        if everything:
            return None
        return {
            line.pk: self.cleaned_data[f"line_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }


def _default_refund_method(sale) -> str:
    first = next((p for p in sale.payments.all() if p.amount > 0), None)
    return first.method if first else PaymentMethod.CASH


class PeriodFilterForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=_date_input())
    end = forms.DateField(label=_("Au"), required=False, widget=_date_input())
    park = forms.ModelChoiceField(
        label=_("Parc"), queryset=Park.objects.none(), required=False
    )
    client = forms.CharField(label=_("Client"), required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = organization.parks.all()
        self.fields["park"].empty_label = _("Tous")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("La fin de la période précède son début."))
        return cleaned


class SaleFilterForm(PeriodFilterForm):
    channel = forms.ChoiceField(
        label=_("Canal"),
        required=False,
        choices=[
            ("", _("Tous")),
            (Channel.ONLINE, _("En ligne")),
            (Channel.COUNTER, _("Sur place")),
        ],
    )
    invoice = forms.ChoiceField(
        label=_("Facture"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("with", _("Avec facture")),
            ("without", _("Sans facture")),
        ],
    )

    field_order = ["client", "start", "end", "channel", "park", "invoice"]


class DocumentFilterForm(PeriodFilterForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Factures et avoirs")),
            ("invoice", _("Factures")),
            ("credit_note", _("Avoirs")),
        ],
    )

    field_order = ["client", "start", "end", "park", "kind"]
