"""A park's account plan: defaults after the French PCG, overridden per park.

Every account the journal uses has a key; `DEFAULTS` gives its number and
label, an `AccountSetting` row of the park replaces them (docs/accounting.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comptoir.catalog.models import ProductKind
from comptoir.sales.models import PaymentMethod

from .models import AccountSetting

RATES = (Decimal("20.00"), Decimal("10.00"), Decimal("5.50"), Decimal("2.10"))
RATE_CODES = {
    Decimal("20.00"): "200",
    Decimal("10.00"): "100",
    Decimal("5.50"): "055",
    Decimal("2.10"): "021",
}
RATE_LABELS = {
    Decimal("20.00"): "20 %",
    Decimal("10.00"): "10 %",
    Decimal("5.50"): "5,5 %",
    Decimal("2.10"): "2,1 %",
}
# Services (706) and goods (707), one sub-account per family and rate.
FAMILIES: dict[str, tuple[str, str]] = {
    ProductKind.TICKET: ("7061", "Billets"),
    ProductKind.BOOKING: ("7062", "Réservations d'activités"),
    ProductKind.MERCHANDISE: ("7071", "Boutique"),
    ProductKind.FOOD_DRINK: ("7072", "Snack et boissons"),
}
PAYMENT_ACCOUNTS = {
    PaymentMethod.CARD: ("51200000", "Banque (cartes bancaires)"),
    PaymentMethod.ONLINE_CARD: ("51200000", "Banque (paiements en ligne)"),
    PaymentMethod.CHEQUE: ("51120000", "Chèques à encaisser"),
    PaymentMethod.CASH: ("53000000", "Caisse"),
    # A voucher spent is the customer's advance used up, not money received.
    PaymentMethod.GIFT_VOUCHER: ("41910000", "Bons cadeaux multi-usages"),
}

SALES_JOURNAL = "journal:sales"
TREASURY_JOURNAL = "journal:treasury"
CUSTOMERS = "customers"
VOUCHERS = "vouchers"
ROUNDING_LOSS = "rounding:loss"
ROUNDING_GAIN = "rounding:gain"


def revenue_key(kind: str, rate: Decimal) -> str:
    return f"revenue:{kind}:{Decimal(rate):.2f}"


def vat_key(rate: Decimal) -> str:
    return f"vat:{Decimal(rate):.2f}"


def payment_key(method: str) -> str:
    return f"payment:{method}"


def _defaults() -> dict[str, tuple[str, str]]:
    defaults: dict[str, tuple[str, str]] = {
        SALES_JOURNAL: ("VE", "Journal des ventes"),
        TREASURY_JOURNAL: ("BQ", "Journal de trésorerie"),
    }
    for kind, (prefix, family) in FAMILIES.items():
        for rate in RATES:
            defaults[revenue_key(kind, rate)] = (
                f"{prefix}{RATE_CODES[rate]}0",
                f"{family} TVA {RATE_LABELS[rate]}",
            )
    for rate in RATES:
        defaults[vat_key(rate)] = (
            f"44571{RATE_CODES[rate]}",
            f"TVA collectée {RATE_LABELS[rate]}",
        )
    defaults[VOUCHERS] = ("41910000", "Bons cadeaux multi-usages (avances reçues)")
    defaults[CUSTOMERS] = ("41100000", "Clients")
    for method, account in PAYMENT_ACCOUNTS.items():
        defaults[payment_key(method)] = account
    defaults[ROUNDING_LOSS] = ("65800000", "Écarts d'arrondi (charges)")
    defaults[ROUNDING_GAIN] = ("75800000", "Écarts d'arrondi (produits)")
    return defaults


DEFAULTS = _defaults()
JOURNAL_KEYS = (SALES_JOURNAL, TREASURY_JOURNAL)


def key_label(key: str) -> str:
    """What the account of `key` is for, on the plan's screen."""
    if key == SALES_JOURNAL:
        return "Code du journal des ventes"
    if key == TREASURY_JOURNAL:
        return "Code du journal de trésorerie"
    if key.startswith("payment:"):
        return "Règlements : " + str(PaymentMethod(key.split(":", 1)[1]).label)
    return DEFAULTS[key][1]


@dataclass(frozen=True)
class Account:
    number: str
    label: str


@dataclass(frozen=True)
class Plan:
    accounts: dict[str, Account]

    def __getitem__(self, key: str) -> Account:
        return self.accounts[key]

    def revenue(self, kind: str, rate: Decimal) -> Account:
        key = revenue_key(kind, rate)
        if key in self.accounts:
            return self.accounts[key]
        # A rate or family outside the defaults: the family's prefix, then
        # the rate, so nothing is ever booked to an unknown account.
        prefix, family = FAMILIES.get(kind, ("7060", "Ventes"))
        code = f"{Decimal(rate) * 10:03.0f}"[-3:]
        return Account(f"{prefix}{code}0", f"{family} TVA {rate} %")

    def vat(self, rate: Decimal) -> Account:
        key = vat_key(rate)
        if key in self.accounts:
            return self.accounts[key]
        code = f"{Decimal(rate) * 10:03.0f}"[-3:]
        return Account(f"44571{code}", f"TVA collectée {rate} %")

    def payment(self, method: str) -> Account:
        return (
            self.accounts.get(payment_key(method))
            or self.accounts[payment_key(PaymentMethod.CARD)]
        )


def plan_of(park_id: int) -> Plan:
    """The park's plan: its settings over the defaults."""
    accounts = {key: Account(*value) for key, value in DEFAULTS.items()}
    for key, number, label in AccountSetting.objects.filter(
        park_id=park_id
    ).values_list("key", "number", "label"):
        if key in accounts:
            accounts[key] = Account(number, label)
    return Plan(accounts)
