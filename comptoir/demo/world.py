"""The product note's world, as demo data. Safe to load twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptoir.catalog.models import (
    ClosedDay,
    GroupPrice,
    Product,
    ProductKind,
    SlotSchedule,
)
from comptoir.core.clock import DEFAULT_TIME_ZONE
from comptoir.customers.models import Client, CustomerGroup, Profile
from comptoir.einvoicing.models import EInvoicingSettings, Mode
from comptoir.einvoicing.services.reporting import period_of
from comptoir.einvoicing.services.sync import sync
from comptoir.invoicing.services import issue_invoices
from comptoir.organizations.models import Organization, Park, Role, User, UserKind
from comptoir.sales.models import Channel, Payment, PaymentMethod, Sale
from comptoir.sales.services import Item, create_sale, record_payment

PASSWORD = "comptoir-demo"
PARIS = ZoneInfo(DEFAULT_TIME_ZONE)

LOGINS = [
    (
        "membre",
        "try",
        "eric.bay@example.com",
        "fiche complète, groupe CE (factures en ligne)",
    ),
    (
        "membre",
        "try",
        "claude.neime@example.com",
        "groupe CE, sans raison sociale : ses achats en ligne lèvent une alerte",
    ),
    (
        "membre",
        "try",
        "julie.martin@example.com",
        "seulement « Club VIP » : pas de « Vos factures »",
    ),
    ("personnel", "try", "manager@example.com", "responsable"),
    ("personnel", "try", "cashier@example.com", "caissier"),
    ("personnel", "other", "manager@other.example", "responsable de l'autre compte"),
    ("membre", "other", "member@other.example", "membre de l'autre compte"),
    ("admin", "-", "admin@example.com", "administrateur de la plateforme (/admin/)"),
]


def _user(
    *,
    kind: str,
    organization: Organization | None,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = "",
    **extra: Any,
) -> User:
    username = User.username_for(kind, organization, email)
    user, created = User.objects.get_or_create(
        username=username,
        defaults=dict(
            kind=kind,
            organization=organization,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            **extra,
        ),
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


def _park(organization: Organization, **fields: Any) -> Park:
    park, _ = Park.objects.get_or_create(
        public_code=fields.pop("public_code"),
        defaults=dict(organization=organization, **fields),
    )
    return park


def _client(
    organization: Organization,
    park: Park,
    email: str,
    groups: Iterable[CustomerGroup],
    member: bool = True,
    **fields: Any,
) -> Client:
    client = Client.objects.filter(organization=organization, email=email).first()
    if client is None:
        client = Client.objects.create(
            organization=organization, initial_park=park, email=email, **fields
        )
        client.groups.set(groups)
    if member and client.user_id is None:
        client.user = _user(
            kind=UserKind.MEMBER,
            organization=organization,
            email=email,
            first_name=client.first_name,
            last_name=client.last_name,
        )
        client.save(update_fields=["user"])
    return client


def _product(
    park: Park,
    name: str,
    kind: str,
    price: str,
    vat_rate: str,
    public: bool = True,
    **extra: Any,
) -> Product:
    product, _ = Product.objects.get_or_create(
        park=park,
        name=name,
        defaults=dict(
            organization=park.organization,
            kind=kind,
            price_incl=Decimal(price),
            vat_rate=vat_rate,
            public=public,
            **extra,
        ),
    )
    return product


def _paid_sale(
    park: Park,
    client: Client | None,
    items: Sequence[Item],
    when: dt.datetime,
    method: str = PaymentMethod.ONLINE_CARD,
    ref: str = "",
    channel: str = Channel.ONLINE,
) -> Sale:
    sale = create_sale(park=park, client=client, channel=channel, items=items)
    record_payment(
        sale=sale,
        provider="demo",
        reference=ref,
        amount=sale.total_incl,
        method=method,
        received_at=when,
    )
    return sale


@transaction.atomic
def load_demo() -> bool:
    """Create the demo world; returns False when it was already there."""
    _user(
        kind=UserKind.PLATFORM,
        organization=None,
        email="admin@example.com",
        is_staff=True,
        is_superuser=True,
    )
    try_org, created = Organization.objects.get_or_create(
        slug="try", defaults={"name": "TRY"}
    )
    park = _park(
        try_org,
        public_code="QW-TRY",
        name="TRY Trampoline Park",
        invoice_series="KD",
        company_name="TRY LOISIRS",
        legal_form="SAS",
        share_capital="50 000 €",
        siren="852345677",
        siret="85234567700011",
        rcs="RCS Sens 852 345 677",
        vat_number="FR61852345677",
        address="12 rue des Loisirs",
        postcode="89100",
        city="SENS",
        email="contact@try-park.example",
        phone="03 86 00 00 00",
    )
    _enable_einvoicing(try_org)
    ce, _ = CustomerGroup.objects.get_or_create(
        organization=try_org,
        name="Groupe CE privilège",
        defaults={"private_shop": True, "online_invoices": True},
    )
    vip, _ = CustomerGroup.objects.get_or_create(
        organization=try_org,
        name="Club VIP",
        defaults={"private_shop": True, "online_invoices": False},
    )
    _user(
        kind=UserKind.STAFF,
        organization=try_org,
        email="manager@example.com",
        first_name="Marion",
        last_name="Gérante",
        role=Role.MANAGER,
    )
    _user(
        kind=UserKind.STAFF,
        organization=try_org,
        email="cashier@example.com",
        first_name="Camille",
        last_name="Caisse",
        role=Role.CASHIER,
    )
    entry = _product(park, "Entrée Jump 1h", ProductKind.TICKET, "30.00", "20.00")
    snack = _product(park, "Formule goûter", ProductKind.FOOD_DRINK, "20.00", "10.00")
    socks = _product(
        park, "Chaussettes antidérapantes", ProductKind.MERCHANDISE, "3.50", "20.00"
    )
    laser = _product(
        park,
        "Session laser game (réservation)",
        ProductKind.BOOKING,
        "25.00",
        "20.00",
        duration_minutes=45,
    )
    voucher150 = _product(
        park, "Bon cadeau 150 €", ProductKind.GIFT_VOUCHER, "150.00", ""
    )
    voucher20 = _product(park, "Bon cadeau 20 €", ProductKind.GIFT_VOUCHER, "20.00", "")
    ce_pack = _product(
        park,
        "Pack CE 10 entrées",
        ProductKind.TICKET,
        "250.00",
        "20.00",
        public=False,
    )
    GroupPrice.objects.get_or_create(
        product=entry, group=ce, defaults={"price_incl": Decimal("26.00")}
    )
    GroupPrice.objects.get_or_create(product=ce_pack, group=ce)
    GroupPrice.objects.get_or_create(
        product=laser, group=vip, defaults={"price_incl": Decimal("22.00")}
    )
    _escape_game_with_slots(park, ce)

    eric = _client(
        try_org,
        park,
        "eric.bay@example.com",
        [ce, vip],
        first_name="ERIC",
        last_name="BAY",
        profile=Profile.INDIVIDUAL,
        phone="0679849822",
        address="281 BIS Bd Raspail",
        city="MOUTIERS EN PUISAYE",
        postcode="89530",
        country="FR",
        company_name="BAYCORP INC",
        accounting_code="491123456",
        vat_number="FR28324567890",
        siret="324 567 890 00011",
    )
    _client(
        try_org,
        park,
        "claude.neime@example.com",
        [ce],
        first_name="Claude",
        last_name="NEIME",
        address="4 place du Marché",
        postcode="89100",
        city="SENS",
    )
    _client(try_org, park, "mattei@example.com", [ce], member=False, last_name="Mattei")
    _client(
        try_org,
        park,
        "julie.martin@example.com",
        [vip],
        first_name="Julie",
        last_name="MARTIN",
        address="8 avenue Foch",
        postcode="75116",
        city="PARIS",
    )

    if not eric.sales.exists():
        # The product note's four invoice rows, oldest sale first.
        history = [
            ([Item(voucher20, 1)], dt.datetime(2024, 1, 4, 15, 2, tzinfo=PARIS)),
            ([Item(voucher150, 1)], dt.datetime(2024, 1, 25, 11, 40, tzinfo=PARIS)),
            (
                [Item(entry, 1, Decimal("30.00")), Item(snack, 1)],
                dt.datetime(2024, 1, 29, 14, 5, tzinfo=PARIS),
            ),
            (
                [Item(entry, 1, Decimal("30.00")), Item(snack, 1)],
                dt.datetime(2024, 2, 5, 16, 30, tzinfo=PARIS),
            ),
        ]
        for n, (items, when) in enumerate(history, start=1):
            _paid_sale(park, eric, items, when, ref=f"demo-eric-{n}")
        sale = _paid_sale(
            park,
            eric,
            [Item(socks, 2)],
            dt.datetime(2024, 2, 10, 10, 0, tzinfo=PARIS),
            method=PaymentMethod.CARD,
            ref="demo-eric-counter",
            channel=Channel.COUNTER,
        )
        # Sold at the counter, invoiced by the cashier: it shows too.
        if not sale.invoices.exists():
            issue_invoices(sale=sale)
    _einvoicing_demo(try_org, park, ce, entry, snack, socks)

    other, _ = Organization.objects.get_or_create(
        slug="other", defaults={"name": "Other"}
    )
    other_park = _park(
        other,
        public_code="OT-PRK",
        name="Other Karting",
        invoice_series="OT",
        company_name="OTHER KARTING",
        legal_form="SARL",
        share_capital="10 000 €",
        siren="791234560",
        siret="79123456000013",
        rcs="RCS Lyon 791 234 560",
        vat_number="FR08791234560",
        address="1 route du Circuit",
        postcode="69000",
        city="LYON",
    )
    other_group, _ = CustomerGroup.objects.get_or_create(
        organization=other,
        name="Entreprises",
        defaults={"private_shop": True, "online_invoices": True},
    )
    _user(
        kind=UserKind.STAFF,
        organization=other,
        email="manager@other.example",
        first_name="Oscar",
        last_name="Autre",
        role=Role.MANAGER,
    )
    kart = _product(
        other_park, "Session karting 10 min", ProductKind.TICKET, "18.00", "20.00"
    )
    member = _client(
        other,
        other_park,
        "member@other.example",
        [other_group],
        first_name="Olga",
        last_name="OTHER",
        company_name="OTHERCORP",
        address="5 quai Perrache",
        postcode="69002",
        city="LYON",
    )
    if not member.sales.exists():
        _paid_sale(
            other_park,
            member,
            [Item(kart, 2)],
            dt.datetime(2024, 3, 1, 10, 0, tzinfo=PARIS),
            ref="demo-other-1",
        )
    return created


def _escape_game_with_slots(park: Park, group: CustomerGroup) -> Product:
    """A booking product with real slots: Wednesday to Sunday, 14:00-20:00,
    one-hour slots of 6 places, closed on Christmas; cheaper for `group`."""
    escape = _product(
        park,
        "Escape game 1h (6 joueurs max.)",
        ProductKind.BOOKING,
        "24.00",
        "20.00",
        position=5,
    )
    SlotSchedule.objects.get_or_create(
        product=escape,
        defaults=dict(
            weekdays="23456",
            opens_at=dt.time(14, 0),
            closes_at=dt.time(20, 0),
            slot_minutes=60,
            capacity=6,
        ),
    )
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        ClosedDay.objects.get_or_create(
            product=escape, day=dt.date(year, 12, 25), defaults={"reason": "Noël"}
        )
    GroupPrice.objects.get_or_create(
        product=escape, group=group, defaults={"price_incl": Decimal("20.00")}
    )
    return escape


# E-invoicing in test mode against the local PA stand-in (docs/einvoicing.md):
# the B2B invoices above are transmitted, then "Encaissée"; the stand-in
# refuses NOVACORP's invoice (an alert); last period's B2C sales are e-reported.
DEMO_WEBHOOK_SECRET = "demo-webhook-secret"
REFUSED_SIREN = "443061809"


def _enable_einvoicing(organization: Organization) -> None:
    if not settings.EINVOICING_LOCAL_STANDIN:
        return  # production settings: no stand-in, a real PA is set by hand
    today = timezone.localdate()
    EInvoicingSettings.objects.get_or_create(
        organization=organization,
        defaults={
            "mode": Mode.TEST,
            "webhook_secret": DEMO_WEBHOOK_SECRET,
            "enabled_at": timezone.now(),
            "reporting_since": period_of(
                period_of(today, "decade")[0] - dt.timedelta(days=1), "decade"
            )[0],
        },
    )


def _einvoicing_demo(
    organization: Organization,
    park: Park,
    group: CustomerGroup,
    entry: Product,
    snack: Product,
    socks: Product,
) -> None:
    nova = _client(
        organization,
        park,
        "achats@novacorp.example",
        [group],
        member=False,
        first_name="Nora",
        last_name="VACOR",
        company_name="NOVACORP",
        address="3 rue de la Paix",
        postcode="75002",
        city="PARIS",
        vat_number="FR23443061809",
        siret="443 061 809 00002",
    )
    if not nova.sales.exists():
        sale = _paid_sale(
            park,
            nova,
            [Item(socks, 4)],
            timezone.now(),
            method=PaymentMethod.CARD,
            ref="demo-nova-counter",
            channel=Channel.COUNTER,
        )
        issue_invoices(sale=sale)
    # Walk-in customers at the counter on the last day of the previous
    # decade: the B2C e-report of that decade lists them.
    day = period_of(timezone.localdate(), "decade")[0] - dt.timedelta(days=1)
    when = dt.datetime.combine(day, dt.time(15, 0), tzinfo=PARIS)
    walk_ins = [
        [Item(entry, 2, Decimal("30.00")), Item(snack, 1)],
        [Item(entry, 1, Decimal("30.00")), Item(socks, 2)],
    ]
    for n, items in enumerate(walk_ins, start=1):
        ref = f"demo-walkin-{day:%Y%m%d}-{n}"
        if not Payment.objects.filter(provider="demo", reference=ref).exists():
            _paid_sale(
                park,
                None,
                items,
                when,
                method=PaymentMethod.CASH,
                ref=ref,
                channel=Channel.COUNTER,
            )
    # After the commit, once the invoices are rendered (and so transmitted).
    transaction.on_commit(lambda: sync(organization_id=organization.pk))
