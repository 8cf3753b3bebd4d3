"""What several back-office forms share: yes/no choices, dates, references,
the period filter of the sale and document lists."""

from __future__ import annotations

import re
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.organizations.models import Organization, Park

YES_NO = [(True, _("Oui")), (False, _("Non"))]
# The hidden reference drawn when a form is shown (a sale, a refund): the
# same form submitted twice records one thing.
REFERENCE = re.compile(r"^[0-9a-f]{32}$")


def yes_no(value) -> bool:
    return value in (True, "True", "true", "1", 1)


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def clean_reference(reference: str) -> str:
    if not REFERENCE.match(reference):
        raise forms.ValidationError(_("Formulaire expiré : rechargez la page."))
    return reference


class PeriodFilterForm(forms.Form):
    start = forms.DateField(label=_("Du"), required=False, widget=date_input())
    end = forms.DateField(label=_("Au"), required=False, widget=date_input())
    park = forms.ModelChoiceField(
        label=_("Parc"), queryset=Park.objects.none(), required=False
    )
    client = forms.CharField(label=_("Client"), required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        park = cast(forms.ModelChoiceField, self.fields["park"])
        park.queryset = organization.parks.all()
        park.empty_label = _("Tous")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("La fin de la période précède son début."))
        return cleaned
