"""Plain factory functions for tests: real rows, real services, no mocks."""

from __future__ import annotations

import itertools
from decimal import Decimal

from comptoir.catalog.models import Product, ProductKind
from comptoir.customers.models import Client, CustomerGroup
from comptoir.organizations.models import Organization, Park, User, UserKind
from comptoir.sales.models import Channel, PaymentMethod
from comptoir.sales.services import Item, create_sale, record_payment

_seq = itertools.count(1)
PASSWORD = "s3cret-Passw0rd!"


def organization(slug: str | None = None) -> Organization:
    n = next(_seq)
    slug = slug or f"org{n}"
    return Organization.objects.create(name=slug.upper(), slug=slug)


def park(org: Organization, series: str | None = None, **fields) -> Park:
    n = next(_seq)
    defaults = dict(
        name=f"Parc {n}",
        public_code=f"QW-{n:03d}",
        invoice_series=series or f"K{n}",
        company_name=f"PARC {n} SAS",
        legal_form="SAS",
        share_capital="50 000 €",
        siren="852345677",
        siret="85234567700011",
        rcs="RCS Sens 852 345 677",
        vat_number="FR61852345677",
        address="12 rue des Loisirs",
        postcode="89100",
        city="SENS",
    )
    defaults.update(fields)
    return Park.objects.create(organization=org, **defaults)


def group(org: Organization, online_invoices=True, private_shop=True, name=None):
    return CustomerGroup.objects.create(
        organization=org,
        name=name or f"Groupe {next(_seq)}",
        online_invoices=online_invoices,
        private_shop=private_shop,
    )


def client(
    park: Park,
    groups=(),
    with_account=False,
    complete=True,
    **fields,
) -> Client:
    n = next(_seq)
    data = dict(
        first_name="Eric",
        last_name=f"BAY{n}",
        email=f"client{n}@example.com",
    )
    if complete:
        data.update(
            company_name="BAYCORP INC",
            address="281 BIS Bd Raspail",
            postcode="89530",
            city="MOUTIERS EN PUISAYE",
            vat_number="FR28324567890",
            siret="32456789000011",
            accounting_code="491123456",
        )
    data.update(fields)
    obj = Client.objects.create(
        organization=park.organization, initial_park=park, **data
    )
    obj.groups.set(groups)
    if with_account:
        user = User.objects.create_user(
            username=User.username_for(UserKind.MEMBER, park.organization, obj.email),
            email=obj.email,
            password=PASSWORD,
            kind=UserKind.MEMBER,
            organization=park.organization,
            first_name=obj.first_name,
            last_name=obj.last_name,
        )
        obj.user = user
        obj.save(update_fields=["user"])
    return obj


def staff(org: Organization, role="manager", email=None) -> User:
    email = email or f"{role}{next(_seq)}@example.com"
    return User.objects.create_user(
        username=User.username_for(UserKind.STAFF, org, email),
        email=email,
        password=PASSWORD,
        kind=UserKind.STAFF,
        organization=org,
        role=role,
        first_name=role.capitalize(),
    )


def products(park: Park) -> dict[str, Product]:
    def make(name, kind, price, rate):
        return Product.objects.create(
            organization=park.organization,
            park=park,
            name=name,
            kind=kind,
            price_incl=Decimal(price),
            vat_rate=rate,
        )

    return {
        "ticket": make("Entrée 1h", ProductKind.TICKET, "30.00", "20.00"),
        "snack": make("Formule goûter", ProductKind.FOOD_DRINK, "20.00", "10.00"),
        "voucher": make("Bon cadeau 150 €", ProductKind.GIFT_VOUCHER, "150.00", ""),
        "socks": make("Chaussettes", ProductKind.MERCHANDISE, "3.50", "20.00"),
        "laser": make("Laser game", ProductKind.BOOKING, "25.00", "5.50"),
    }


def online_sale(park, client, items):
    return create_sale(park=park, client=client, channel=Channel.ONLINE, items=items)


def pay(sale, reference: str | None = None, method=PaymentMethod.ONLINE_CARD):
    return record_payment(
        sale=sale,
        provider="test",
        reference=reference or f"ref-{sale.pk}-{next(_seq)}",
        amount=sale.total_incl,
        method=method,
    )


def paid_online_sale(park, client, items):
    return pay(online_sale(park, client, items)).sale


def basket(products, *names_and_qty):
    """`basket(p, ("ticket", 1), ("snack", 2))` → list of Items."""
    return [Item(products[name], qty) for name, qty in names_and_qty]


def slot_schedule(
    product: Product,
    *,
    capacity=4,
    weekdays="0123456",
    opens="10:00",
    closes="18:00",
    minutes=60,
):
    """Booking slots for `product`: every `minutes` from `opens` to `closes`."""
    import datetime as dt

    from comptoir.catalog.models import SlotSchedule

    return SlotSchedule.objects.create(
        product=product,
        weekdays=weekdays,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
        slot_minutes=minutes,
        capacity=capacity,
    )
