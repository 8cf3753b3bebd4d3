"""A customer group's settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import CustomerGroup
from comptoir.customers.selectors import groups_of
from comptoir.organizations.models import Organization

from .common import YES_NO, yes_no


class GroupForm(forms.ModelForm):
    """A customer group's settings, as the product note shows them."""

    private_shop = forms.TypedChoiceField(
        label=_("Boutique en ligne privée"),
        choices=YES_NO,
        coerce=yes_no,
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
        coerce=yes_no,
        widget=forms.RadioSelect,
        initial=False,
        help_text=_(
            "Activer (ou non) la mise à disposition des factures en ligne. "
            "Note : « non » est activé par défaut."
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
