"""Forms of the sale screens: the refund, the sale list's filters."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.sales.models import Channel, PaymentMethod

from .common import PeriodFilterForm, clean_reference
from .counter import COUNTER_METHODS

REFUND_METHODS = COUNTER_METHODS + [
    (PaymentMethod.ONLINE_CARD.value, PaymentMethod.ONLINE_CARD.label),
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
        return clean_reference(self.cleaned_data["reference"])

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


class SaleFilterForm(PeriodFilterForm):
    channel = forms.ChoiceField(
        label=_("Canal"),
        required=False,
        choices=[("", _("Tous")), *Channel.choices],
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
