"""Forms of the shop: basket lines, booking slots, company data at checkout."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.catalog.models import Product
from comptoir.catalog.selectors import MAX_ID
from comptoir.catalog.slots import (
    capacity_of,
    first_bookable_day,
    is_open_on,
    last_bookable_day,
    schedule_of,
    slot_start,
    slot_times,
)
from comptoir.core.clock import local
from comptoir.customers.forms import CompanyDetailsForm
from comptoir.customers.selectors import required_invoice_fields
from comptoir.organizations.models import Park
from comptoir.sales.places import day_availability, remaining_places
from comptoir.storefront.cart import MAX_QUANTITY

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class AddToCartForm(forms.Form):
    # A row id the database can hold: the basket keeps it until it is priced.
    product = forms.IntegerField(
        min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    quantity = forms.IntegerField(
        label=_("Quantité"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )
    # Set by a booking's card: the basket comes next, to choose the slot.
    booking = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CartQuantityForm(forms.Form):
    line = forms.CharField(max_length=20, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantité"), min_value=0, max_value=MAX_QUANTITY
    )


class CartRemoveForm(forms.Form):
    line = forms.CharField(max_length=20, widget=forms.HiddenInput)


class BookingSlotForm(forms.Form):
    """The date and time slot of one booking line, on the park's clock.

    The times are the product's slots; once a day is known, each says how
    many places are left, and a full or closed slot is refused.
    """

    line = forms.CharField(max_length=20, widget=forms.HiddenInput)
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    time = forms.ChoiceField(label=_("Créneau"))

    def __init__(
        self, *args, time_zone: str, product: Product, quantity: int = 1, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.product = product
        self.quantity = quantity
        first, last = first_bookable_day(time_zone), last_bookable_day(time_zone)
        self.fields["day"].widget.attrs.update(
            min=first.isoformat(), max=last.isoformat()
        )
        cast(forms.ChoiceField, self.fields["time"]).choices = self._time_choices()

    def _shown_day(self) -> dt.date | None:
        raw = (
            self.data.get(self.add_prefix("day"))
            if self.is_bound
            else self.initial.get("day")
        )
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(raw or "")
        except ValueError:
            return None

    def _time_choices(self) -> list[tuple[str, str]]:
        times = slot_times(schedule_of(self.product))
        day = self._shown_day()
        left: dict[dt.time, int | None] = {}
        if day is not None and capacity_of(self.product) is not None:
            for slot in day_availability(product=self.product, day=day):
                left[local(slot.starts_at, self.time_zone).time()] = slot.remaining
        choices = []
        for time in times:
            label = time.strftime("%H:%M")
            remaining = left.get(time)
            if remaining == 0:
                label = _("%(time)s — complet") % {"time": label}
            elif remaining is not None:
                label = ngettext(
                    "%(time)s — %(count)d place",
                    "%(time)s — %(count)d places",
                    remaining,
                ) % {"time": label, "count": remaining}
            choices.append((time.strftime("%H:%M"), label))
        return choices

    def clean(self) -> dict[str, Any]:
        # Form.clean returns cleaned_data (typed optional by the stubs).
        cleaned = cast("dict[str, Any]", super().clean())
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
                _("Ce créneau est déjà passé : choisissez-en un autre.")
            )
        if not is_open_on(self.product, day):
            raise forms.ValidationError(
                _(
                    "« %(name)s » n'est pas ouvert ce jour-là : choisissez une "
                    "autre date."
                )
                % {"name": self.product.name}
            )
        remaining = remaining_places(product=self.product, starts_at=start)
        if remaining is not None and remaining < self.quantity:
            if remaining == 0:
                message: str | StrPromise = _(
                    "Ce créneau est complet : choisissez-en un autre."
                )
            else:
                message = ngettext(
                    "Il ne reste que %(count)d place sur ce créneau.",
                    "Il ne reste que %(count)d places sur ce créneau.",
                    remaining,
                ) % {"count": remaining}
            raise forms.ValidationError(message)
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
