"""The filters of the invoice and credit note list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .common import PeriodFilterForm


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
