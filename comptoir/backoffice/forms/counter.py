"""The counter's basket, its payment and the client search beside it."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.models import Product, ProductKind
from comptoir.core.clock import DEFAULT_TIME_ZONE
from comptoir.customers.models import Client
from comptoir.customers.selectors import clients_of
from comptoir.organizations.models import Organization
from comptoir.sales.models import PaymentMethod
from comptoir.sales.services import (
    Item,
    SaleError,
    Tender,
    settle_counter_payment,
)
from comptoir.sales.slots import (
    first_bookable_day,
    last_bookable_day,
    slot_choices,
    slot_problem,
    slot_start,
)

from .clients import CLIENT_SEARCH_PLACEHOLDER
from .common import clean_reference

# Labels come from the TextChoices: never retyped here.
COUNTER_METHODS = [
    (method.value, method.label)
    for method in (
        PaymentMethod.CASH,
        PaymentMethod.CARD,
        PaymentMethod.CHEQUE,
        PaymentMethod.GIFT_VOUCHER,
    )
]


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher un client"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": CLIENT_SEARCH_PLACEHOLDER}),
    )


MIXED = "mixed"
PAYMENT_FIELDS = (
    "method",
    "cash_received",
    "card_amount",
    "cheque_amount",
    "voucher_amount",
    "voucher_code",
)


def _amount_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.00"),
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"invalid": _("Saisissez un montant, par exemple 12,50.")},
    )


class CounterSaleForm(forms.Form):
    """A basket paid at the counter.

    `reference` is drawn when the form is shown and sent back hidden: the
    same form submitted twice records one sale (see record_counter_sale).
    Unit prices come from `prices` (the client's, group prices included).
    With `for_payment=False` ("Calculer le total") the payment fields are
    neither required nor checked: a preview never shows a payment error.
    """

    reference = forms.CharField(widget=forms.HiddenInput)
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, widget=forms.HiddenInput
    )
    method = forms.ChoiceField(
        label=_("Moyen de paiement"),
        choices=COUNTER_METHODS + [(MIXED, _("Paiement mixte"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le moyen de paiement.")},
    )
    cash_received = _amount_field(_("Espèces reçues"))
    card_amount = _amount_field(PaymentMethod.CARD.label)
    cheque_amount = _amount_field(PaymentMethod.CHEQUE.label)
    voucher_amount = _amount_field(PaymentMethod.GIFT_VOUCHER.label)
    voucher_code = forms.CharField(
        label=_("Code du bon cadeau"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    issue_invoice = forms.BooleanField(
        label=_("Éditer la facture tout de suite"), required=False
    )

    def __init__(
        self,
        *args,
        organization: Organization,
        products,
        prices: dict[int, Decimal] | None = None,
        time_zone: str = DEFAULT_TIME_ZONE,
        for_payment: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        self.prices = prices or {}
        self.time_zone = time_zone
        self.for_payment = for_payment
        client = cast(forms.ModelChoiceField, self.fields["client"])
        client.queryset = clients_of(organization.pk)
        self.fields["method"].required = for_payment
        if not self.is_bound:
            self.initial.setdefault("reference", uuid.uuid4().hex)
        first, last = first_bookable_day(time_zone), last_bookable_day(time_zone)
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
            if product.kind == ProductKind.BOOKING:
                self.fields[f"slot_day_{product.pk}"] = forms.DateField(
                    label=_("Date"),
                    required=False,
                    widget=forms.DateInput(
                        attrs={
                            "type": "date",
                            "min": first.isoformat(),
                            "max": last.isoformat(),
                        },
                        format="%Y-%m-%d",
                    ),
                )
                self.fields[f"slot_time_{product.pk}"] = forms.ChoiceField(
                    label=_("Créneau"),
                    required=False,
                    choices=[("", "—")] + slot_choices(product),
                )

    @staticmethod
    def quantity_field(product: Product) -> str:
        return f"qty_{product.pk}"

    def price_of(self, product: Product) -> Decimal:
        return self.prices.get(product.pk, product.price_incl)

    def product_rows(self):
        return [
            {
                "product": product,
                "field": self[self.quantity_field(product)],
                "price": self.price_of(product),
                "discounted": self.price_of(product) != product.price_incl,
                "day": self[f"slot_day_{product.pk}"]
                if product.kind == ProductKind.BOOKING
                else None,
                "time": self[f"slot_time_{product.pk}"]
                if product.kind == ProductKind.BOOKING
                else None,
            }
            for product in self.products
        ]

    def clean_reference(self) -> str:
        return clean_reference(self.cleaned_data["reference"])

    def clean_voucher_code(self) -> str:
        return self.cleaned_data["voucher_code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        self._starts = {}
        for product in self.products:
            if product.kind != ProductKind.BOOKING:
                continue
            if not cleaned.get(self.quantity_field(product)):
                continue
            day = cleaned.get(f"slot_day_{product.pk}")
            time = cleaned.get(f"slot_time_{product.pk}")
            if day is None or not time:
                if self.for_payment:
                    self.add_error(
                        f"slot_day_{product.pk}",
                        _("Choisissez une date et un créneau pour « %(name)s ».")
                        % {"name": product.name},
                    )
                continue
            start = slot_start(day, dt.time.fromisoformat(time), self.time_zone)
            problem = slot_problem(product, start, self.time_zone)
            if problem:
                self.add_error(f"slot_day_{product.pk}", problem)
            else:
                self._starts[product.pk] = start
        if not self.items():
            raise forms.ValidationError(_("Ajoutez au moins un produit."))
        if self.for_payment:
            self._check_payment(cleaned)
        return cleaned

    def full_clean(self):
        super().full_clean()
        if not self.for_payment and self.is_bound:
            for name in PAYMENT_FIELDS:
                self._errors.pop(name, None)
                self.cleaned_data.pop(name, None)

    def _check_payment(self, cleaned) -> None:
        method = cleaned.get("method")
        code = cleaned.get("voucher_code")
        if method == PaymentMethod.GIFT_VOUCHER and not code:
            self.add_error("voucher_code", _("Saisissez le code du bon cadeau."))
        if method == MIXED:
            if cleaned.get("voucher_amount") and not code:
                self.add_error("voucher_code", _("Saisissez le code du bon cadeau."))
            if not any(
                cleaned.get(name)
                for name in (
                    "cash_received",
                    "card_amount",
                    "cheque_amount",
                    "voucher_amount",
                )
            ):
                self.add_error(
                    "method",
                    _("Paiement mixte : saisissez le montant de chaque moyen."),
                )

    def _quietly(self, name: str):
        """A payment field's value, or None when it is empty or malformed."""
        try:
            return self.fields[name].clean(self[name].value())
        except forms.ValidationError:
            return None

    def change_due(self) -> Decimal | None:
        """The change for the cash received, when the figures add up."""
        method = self["method"].value()
        received = self._quietly("cash_received")
        if not received or method not in (PaymentMethod.CASH, MIXED):
            return None
        others = []
        if method == MIXED:
            for tender_method, name in (
                (PaymentMethod.CARD, "card_amount"),
                (PaymentMethod.CHEQUE, "cheque_amount"),
                (PaymentMethod.GIFT_VOUCHER, "voucher_amount"),
            ):
                amount = self._quietly(name)
                if amount:
                    others.append(Tender(tender_method, amount, "-"))
        try:
            settlement = settle_counter_payment(
                total=self.total(), tenders=others, cash_received=received
            )
        except SaleError:
            return None
        return settlement.change_due

    def total(self) -> Decimal:
        return sum(
            # items() always sets the line price (price_of).
            (
                cast(Decimal, item.unit_price_incl) * item.quantity
                for item in self.items()
            ),
            Decimal("0.00"),
        )

    def items(self) -> list[Item]:
        data = getattr(self, "cleaned_data", {})
        starts = getattr(self, "_starts", {})
        return [
            Item(
                product,
                data[self.quantity_field(product)],
                unit_price_incl=self.price_of(product),
                booking_start=starts.get(product.pk),
            )
            for product in self.products
            if data.get(self.quantity_field(product))
        ]

    def payment(self) -> dict:
        """The keyword arguments of `record_counter_sale` that say how the
        sale is paid (the service checks that they add up)."""
        data = self.cleaned_data
        method = data.get("method")
        if method == MIXED:
            tenders = [
                Tender(m, data[name], data.get("voucher_code", "") if v else "")
                for m, name, v in (
                    (PaymentMethod.CARD, "card_amount", False),
                    (PaymentMethod.CHEQUE, "cheque_amount", False),
                    (PaymentMethod.GIFT_VOUCHER, "voucher_amount", True),
                )
                if data.get(name)
            ]
            return {
                "method": None,
                "tenders": tenders,
                "cash_received": data.get("cash_received"),
            }
        if method == PaymentMethod.GIFT_VOUCHER:
            return {
                "method": None,
                "tenders": [
                    Tender(
                        PaymentMethod.GIFT_VOUCHER, self.total(), data["voucher_code"]
                    )
                ],
                "cash_received": None,
            }
        if method == PaymentMethod.CASH:
            return {
                "method": method,
                "tenders": [],
                "cash_received": data.get("cash_received"),
            }
        return {"method": method, "tenders": [], "cash_received": None}
