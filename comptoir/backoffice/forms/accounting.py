"""Forms of the accounting screens: the account plan, the journal export."""

from __future__ import annotations

import re
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.accounting.models import ExportFormat
from comptoir.accounting.plan import DEFAULTS, JOURNAL_KEYS, Account, key_label
from comptoir.organizations.models import Organization, Park

from .common import date_input

JOURNAL_CODE = re.compile(r"^[A-Z0-9]{1,8}$")
ACCOUNT_NUMBER = re.compile(r"^[1-7][0-9A-Z]{2,19}$")
# Which PCG class each kind of account must belong to.
EXPECTED_PREFIX = {
    "revenue:": ("70",),
    "vat:": ("4457",),
    "customers": ("411",),
    "vouchers": ("419",),
    "payment:": ("5", "419"),
    "rounding:loss": ("6",),
    "rounding:gain": ("7",),
}


def field_name(key: str) -> str:
    return key.replace(":", "-").replace(".", "_")


class AccountPlanForm(forms.Form):
    """One number and one label per account of the plan, defaults pre-filled."""

    def __init__(self, *args, accounts: dict[str, Account], **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = list(DEFAULTS)
        for key in self.keys:
            name = field_name(key)
            account = accounts[key]
            self.fields[f"{name}-number"] = forms.CharField(
                label=key_label(key), max_length=20, initial=account.number
            )
            self.fields[f"{name}-label"] = forms.CharField(
                label=_("Libellé"), max_length=100, initial=account.label
            )

    def rows(self):
        for key in self.keys:
            name = field_name(key)
            yield key, self[f"{name}-number"], self[f"{name}-label"], DEFAULTS[key]

    def clean(self):
        cleaned = super().clean()
        for key in self.keys:
            name = f"{field_name(key)}-number"
            number = (cleaned.get(name) or "").strip().upper()
            if not number:
                continue
            if key in JOURNAL_KEYS:
                if not JOURNAL_CODE.match(number):
                    self.add_error(
                        name, _("Code journal : 1 à 8 lettres majuscules ou chiffres.")
                    )
            elif not ACCOUNT_NUMBER.match(number):
                self.add_error(
                    name,
                    _(
                        "Un numéro de compte commence par un chiffre de 1 à 7 "
                        "(classe du PCG), suivi de 2 à 19 chiffres ou majuscules."
                    ),
                )
            else:
                for start, prefixes in EXPECTED_PREFIX.items():
                    if key.startswith(start) and not number.startswith(prefixes):
                        self.add_error(
                            name,
                            _("Ce compte doit commencer par %(prefixes)s.")
                            % {"prefixes": " ou ".join(prefixes)},
                        )
            cleaned[name] = number
        return cleaned

    def accounts(self) -> dict[str, tuple[str, str]]:
        return {
            key: (
                self.cleaned_data[f"{field_name(key)}-number"],
                self.cleaned_data[f"{field_name(key)}-label"],
            )
            for key in self.keys
        }


class ParkChoiceForm(forms.Form):
    park = forms.ModelChoiceField(label=_("Parc"), queryset=Park.objects.none())

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        park = cast(forms.ModelChoiceField, self.fields["park"])
        park.queryset = organization.parks.all()
        park.empty_label = None


class JournalExportForm(ParkChoiceForm):
    start = forms.DateField(label=_("Du"), widget=date_input())
    end = forms.DateField(label=_("Au"), widget=date_input())
    format = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.FEC
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("La fin de la période précède son début."))
        if start and end and (end - start).days > 366:
            self.add_error(
                "end", _("Un export couvre au plus un exercice (366 jours).")
            )
        return cleaned
