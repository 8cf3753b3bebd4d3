"""Two tenants, A and B, with everything a hostile visitor could aim at.

Organization A has two members (A1, A2) with paid online sales, invoices
and tickets, a cashier and a manager; organization B has one member, its
sale and invoice, and a manager. The private strings of each (names,
companies, emails, document numbers, private products) are the markers a
page must never show to someone who may not see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client as HttpClient
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptoir.alerts.models import Alert, AlertKind
from comptoir.catalog.models import GroupPrice, Product, ProductKind
from comptoir.invoicing.services import ensure_rendered
from comptoir.payments.providers.simulator import open_session
from comptoir.sales.models import Ticket
from tests import factories

VISITORS = ("anon", "a1", "a2", "b", "cashier", "manager", "manager_b")


@dataclass(repr=False)
class Side:
    """One organization's objects, and what of it is private to whom."""

    organization: object
    park: object
    group: object
    private_product: object
    products: dict = field(default_factory=dict)
    sales: dict = field(default_factory=dict)
    invoices: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    markers: dict = field(default_factory=dict)
    alert: object = None


@dataclass(repr=False)
class World:
    a: Side
    b: Side
    ticket_a1: Ticket
    ticket_b: Ticket
    sessions: dict[str, str] = field(default_factory=dict)

    @property
    def visitors(self) -> dict:
        return {
            "anon": None,
            "a1": self.a.clients["a1"].user,
            "a2": self.a.clients["a2"].user,
            "b": self.b.clients["b"].user,
            "cashier": self.a.users["cashier"],
            "manager": self.a.users["manager"],
            "manager_b": self.b.users["manager"],
        }

    def http(self, visitor: str, **kwargs) -> HttpClient:
        """A browser of `visitor`, signed in (once per test: reused session)."""
        http = HttpClient(**kwargs)
        user = self.visitors[visitor]
        if user is None:
            return http
        if visitor in self.sessions:
            http.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[visitor]
        else:
            http.force_login(user)
        return http

    def sign_in_everyone(self) -> None:
        """Open each visitor's session now, outside any rolled-back savepoint."""
        for visitor, user in self.visitors.items():
            if user is not None:
                http = HttpClient()
                http.force_login(user)
                self.sessions[visitor] = http.cookies[
                    settings.SESSION_COOKIE_NAME
                ].value

    def forbidden_markers(self, visitor: str) -> set[str]:
        """Private strings `visitor` must never read, on any page."""
        a1, a2 = self.a.markers["a1"], self.a.markers["a2"]
        a_group, b_all = self.a.markers["group"], self.b.markers["all"]
        return {
            "anon": a1 | a2 | a_group | b_all,
            "a1": a2 | b_all,
            "a2": a1 | b_all,
            "b": a1 | a2 | a_group,
            "cashier": b_all,
            "manager": b_all,
            "manager_b": a1 | a2 | a_group,
        }[visitor]


def _private_product(park, group, name: str) -> Product:
    product = Product.objects.create(
        organization=park.organization,
        park=park,
        name=name,
        kind=ProductKind.TICKET,
        price_incl=Decimal("90.00"),
        vat_rate="20.00",
        public=False,
    )
    GroupPrice.objects.create(product=product, group=group, price_incl=Decimal("80"))
    return product


def _member(park, group, key: str, company: str):
    return factories.client(
        park,
        groups=[group],
        with_account=True,
        first_name=key.capitalize(),
        last_name=f"NOM{key.upper()}SECRET",
        company_name=company,
        email=f"{key}.secret@example.com",
    )


def _client_markers(client, sale, invoice) -> set[str]:
    return {
        client.last_name,
        client.company_name,
        client.email,
        invoice.number,
        str(invoice.public_id),
        str(sale.public_id),
    }


def reset_link(user) -> dict[str, str]:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def payment_token(sale) -> str:
    return open_session(
        organization_slug=sale.organization.slug,
        merchant=sale.park.name,
        sale_id=sale.public_id,
        amount=sale.total_incl,
        return_url=f"http://testserver/{sale.organization.slug}/",
    )


def _side(company_prefix: str, member_keys: tuple[str, ...]) -> Side:
    organization = factories.organization()
    park = factories.park(organization)
    group = factories.group(organization, name=f"Groupe {company_prefix} privé")
    products = factories.products(park)
    side = Side(
        organization=organization,
        park=park,
        group=group,
        private_product=_private_product(park, group, f"Pack {company_prefix} caché"),
        products=products,
    )
    for n, member_key in enumerate(member_keys, start=1):
        client = _member(park, group, member_key, f"{company_prefix} {n} SECRET SA")
        sale = factories.paid_online_sale(
            park, client, factories.basket(products, ("ticket", 1), ("snack", 1))
        )
        invoice = ensure_rendered(sale.invoices.get())
        side.clients[member_key] = client
        side.sales[member_key] = sale
        side.invoices[member_key] = invoice
        side.markers[member_key] = _client_markers(client, sale, invoice)
    side.markers["group"] = {side.private_product.name, group.name}
    side.markers["all"] = set().union(*side.markers.values())
    # A member nobody logs in as: its reset link stays valid all along
    # (logging in changes `last_login`, which reset tokens depend on).
    # A payment alert of the organization (money for no known sale).
    side.alert = Alert.objects.create(
        organization=organization,
        kind=AlertKind.PAYMENT_TO_REFUND,
        message=f"Paiement {company_prefix} à rembourser",
    )
    side.users["reset"] = factories.client(park, with_account=True).user
    side.users["manager"] = factories.staff(organization, role="manager")
    side.users["cashier"] = factories.staff(organization, role="cashier")
    return side


@pytest.fixture
def world(db) -> World:
    a = _side("ALPHA", ("a1", "a2"))
    b = _side("BRAVO", ("b",))
    return World(
        a=a,
        b=b,
        ticket_a1=Ticket.objects.filter(client=a.clients["a1"]).get(),
        ticket_b=Ticket.objects.filter(client=b.clients["b"]).get(),
    )


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and rendered files go to a directory of this test only."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def signed(world) -> World:
    """The world with every visitor's session open (shared by the examples)."""
    world.sign_in_everyone()
    return world
