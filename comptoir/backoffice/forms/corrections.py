"""The buyer's data of an invoice correction."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.customers.forms import ClientRecordForm
from comptoir.customers.services import BUYER_FIELDS


class InvoiceCorrectionForm(ClientRecordForm):
    """The buyer's data as the corrected invoice will show it, and why."""

    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=200,
        help_text=_("Imprimé sur l'avoir et la nouvelle facture."),
    )

    class Meta(ClientRecordForm.Meta):
        # What an invoice prints about its buyer.
        fields = list(BUYER_FIELDS)
