"""Forms of the shop: basket lines, booking slots, company data at checkout."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.customers.forms import CompanyDetailsForm
from comptoir.customers.selectors import required_invoice_fields
from comptoir.organizations.models import Park

from .cart import MAX_QUANTITY
from .slots import first_bookable_day, last_bookable_day, slot_choices, slot_start


class AddToCartForm(forms.Form):
    product = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantité"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )


class CartQuantityForm(forms.Form):
    line = forms.CharField(max_length=20, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantité"), min_value=0, max_value=MAX_QUANTITY
    )


class CartRemoveForm(forms.Form):
    line = forms.CharField(max_length=20, widget=forms.HiddenInput)


class BookingSlotForm(forms.Form):
    """The date and time slot of one booking line, on the park's clock."""

    line = forms.CharField(max_length=20, widget=forms.HiddenInput)
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.ChoiceField(label=_("Créneau"), choices=slot_choices)

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        first, last = first_bookable_day(time_zone), last_bookable_day(time_zone)
        self.fields["day"].widget.attrs.update(
            min=first.isoformat(), max=last.isoformat()
        )

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("day"), cleaned.get("time")
        if day is None or not time:
            return cleaned
        if day > last_bookable_day(self.time_zone):
            raise forms.ValidationError(
                _("Les réservations sont ouvertes six mois à l'avance.")
            )
        start = slot_start(day, dt.time.fromisoformat(time), self.time_zone)
        if start <= timezone.now():
            raise forms.ValidationError(
                _("Ce créneau est déjà passé : choisissez-en un autre.")
            )
        cleaned["start"] = start
        return cleaned


class CheckoutCompanyForm(CompanyDetailsForm):
    """The company fields an invoice needs, offered at checkout (same
    validation as the profile), with those the park requires made required."""

    def __init__(self, *args, park: Park | None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in required_invoice_fields(park):
            if name in self.fields:
                self.fields[name].required = True
