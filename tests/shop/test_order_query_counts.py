"""A paid order costs a known number of queries at each step, and pricing a
product reads that product only, at the price stored now.

bench/order.py measures the CPU of the same four requests; these tests pin
what can be pinned without a clock: the statements of each step (a new
query per request, a lost `select_related`, a loop over lines shows here)
and the rows the cart reads. The notification's path (payment, tickets,
invoice) is pinned too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from bench.psp import session_of
from comptoir.catalog.models import GroupPrice, Product, ProductKind
from comptoir.invoicing.models import Invoice
from comptoir.sales.models import Sale, SaleStatus
from tests import factories
from tests.sale_series import around_sale_number
from tests.shop.fixtures import add_to_cart, cart_lines, members, shop, signed_in

pytestmark = pytest.mark.django_db

# Statements of each request of a member's second paid order (the first
# one fills the per-process caches), as counted inside the test's
# transaction: each `atomic()` is a SAVEPOINT and its RELEASE.
# Adding to the basket writes its signed cookie: no statement at all…
CART_ADD = 0
# …but the first addition after a checkout asks whether that sale was paid
# (then the basket is emptied before anything is added to it).
CART_ADD_AFTER_A_PAID_ORDER = 1
# The organization with its provider account, the session with its user; the
# basket priced (group prices, products); the sale with its total, its lines (in a
# savepoint); the payment session and its provider-log entry (in a
# savepoint). The session is not written (the basket is a cookie).
CHECKOUT = 12
# The organization with its provider account; in one transaction (no
# savepoint of `record_payment`'s own inside it): the sale's lines with their
# products, each joined to the sale row (locked), its park and client, read
# with the event id's duplicate check and the client's eligibility (one
# SELECT); the checkout session completed, the payment inserted (its
# reference's uniqueness is the retry check: a pending sale has no payment),
# tickets, the sale number (one UPDATE … RETURNING), the sale paid; the
# invoice in its savepoint (counter locked and incremented by one
# UPDATE … RETURNING, invoice, tax lines, the chain's end written into the
# counter, audit); the provider-log entry. (Tasks run in-process here: no
# task rows.)
NOTIFICATION = 17
# On PostgreSQL the counter's UPDATE also gives the invoice its key, and the
# invoice, its tax lines, the chain's end and the audit event are written by
# one statement (`rows.together`): three fewer.
NOTIFICATION_POSTGRESQL = 14


def notification_statements() -> int:
    return (
        NOTIFICATION_POSTGRESQL if connection.vendor == "postgresql" else NOTIFICATION
    )


@pytest.fixture
def catalog(park, group, products):
    """A park's catalog: many products and group prices the cart must not read."""
    for n in range(30):
        product = Product.objects.create(
            organization=park.organization,
            park=park,
            name=f"Produit {n:02d}",
            kind=ProductKind.MERCHANDISE,
            price_incl=Decimal("5.00") + n,
            vat_rate="20.00",
            public=n % 3 != 0,
        )
        if n % 2:
            GroupPrice.objects.create(
                product=product, group=group, price_incl=product.price_incl - 1
            )
    return products


def notify(organization, location: str) -> int:
    """The provider's signed notification of the payment behind `location`."""
    session = session_of(location)
    body = json.dumps(
        {
            "transaction_id": f"tx_{uuid.uuid4().hex}",
            "sale": session["sale"],
            "amount": session["amount"],
            "currency": "EUR",
            "status": "paid",
        }
    ).encode()
    signature = hmac.new(
        settings.PAYMENT_SIMULATOR_SECRET.encode(), body, hashlib.sha256
    ).hexdigest()
    response = HttpClient(enforce_csrf_checks=True).post(
        shop(organization, "payment_notification", provider="simulator"),
        data=body,
        content_type="application/json",
        HTTP_X_SIMULATOR_SIGNATURE=signature,
    )
    return response.status_code


def paid_order(http, organization, products) -> list[int]:
    """The four requests of a paid order; the queries of each."""
    counts = []

    def counted(call):
        with CaptureQueriesContext(connection) as ctx:
            result = call()
        counts.append(len(ctx))
        return result

    response = counted(lambda: add_to_cart(http, organization, products["ticket"]))
    assert response.status_code == 302
    response = counted(lambda: add_to_cart(http, organization, products["snack"]))
    assert response.status_code == 302
    response = counted(
        lambda: http.post(shop(organization, "checkout"), {"action": "pay"})
    )
    assert response.status_code == 302
    assert "paiement-simule" in response["Location"]
    status = counted(lambda: notify(organization, response["Location"]))
    assert status == 200
    return counts


def test_each_step_of_a_paid_order_costs_a_fixed_number_of_queries(
    organization, member, catalog
):
    http = signed_in(member.user)
    paid_order(http, organization, catalog)  # warm-up: per-process caches

    cart_add, second_add, checkout, notification = paid_order(
        http, organization, catalog
    )

    assert (cart_add, second_add, checkout) == (
        CART_ADD_AFTER_A_PAID_ORDER,
        CART_ADD,
        CHECKOUT,
    )
    assert notification == notification_statements()
    sales = Sale.objects.filter(client=member, status=SaleStatus.PAID)
    assert sales.count() == 2
    assert Invoice.objects.filter(sale__in=sales).count() == 2


def test_the_queries_of_a_paid_order_do_not_grow_with_the_basket(
    organization, member, catalog
):
    """Each step is a fixed number of statements, not one per line."""
    http = signed_in(member.user)
    paid_order(http, organization, catalog)
    for product in Product.objects.filter(kind=ProductKind.MERCHANDISE)[:5]:
        add_to_cart(http, organization, product)

    *_, checkout, notification = paid_order(http, organization, catalog)

    assert checkout == CHECKOUT
    assert notification == notification_statements()


def test_pricing_the_basket_reads_its_products_only(organization, member, catalog):
    http = signed_in(member.user)
    add_to_cart(http, organization, catalog["socks"])
    add_to_cart(http, organization, catalog["ticket"])
    read = []

    def count(sender, instance, **kwargs):
        read.append(instance.pk)

    post_init.connect(count, sender=Product)
    try:
        response = http.post(shop(organization, "checkout"), {"action": "pay"})
    finally:
        post_init.disconnect(count, sender=Product)

    assert response.status_code == 302
    # The basket's two products, not the 30 others of the catalog.
    assert set(read) == {catalog["ticket"].pk, catalog["socks"].pk}


def test_a_private_product_is_still_offered_to_its_group_only(
    organization, member, park, private_pack
):
    stranger = signed_in(factories.client(park, with_account=True).user)
    add_to_cart(stranger, organization, private_pack)
    stranger.get(shop(organization, "cart"))
    http = signed_in(member.user)
    add_to_cart(http, organization, private_pack)
    http.get(shop(organization, "cart"))

    assert cart_lines(stranger, organization) == []
    assert [line["product"] for line in cart_lines(http, organization)] == [
        private_pack.pk
    ]


def test_a_price_changed_by_a_manager_applies_to_a_basket_already_filled(
    organization, member, products, group_price
):
    http = signed_in(member.user)
    add_to_cart(http, organization, products["ticket"])
    group_price.price_incl = Decimal("21.00")
    group_price.save()

    response = http.post(shop(organization, "checkout"), {"action": "pay"})

    assert response.status_code == 302
    sale = Sale.objects.get(client=member)
    assert sale.lines.get().unit_price_incl == Decimal("21.00")
    assert sale.total_incl == Decimal("21.00")


def test_a_member_of_another_organization_has_no_client_here(
    organization, other_organization, products
):
    """The client read with the user is still scoped to the shop's tenant."""
    *_, stranger = other_organization
    http = signed_in(stranger.user)
    add_to_cart(http, organization, products["ticket"])

    response = http.post(shop(organization, "checkout"), {"action": "pay"})

    assert response.status_code == 302
    assert response["Location"].startswith(members(organization, "login"))
    assert not Sale.objects.exists()


def test_the_parks_sale_series_is_locked_only_for_what_needs_the_number(
    organization, member, catalog
):
    """Every payment of a park's day waits for the sale series' row, locked
    from the number to the commit: the payment, the tickets and the checkout
    session (and the confirmation's task, where tasks are rows) are written
    before it; after it, only the sale's row, its invoice (its own series,
    its audit event) and the log that names the number."""
    http = signed_in(member.user)
    paid_order(http, organization, catalog)
    for step in ("ticket", "snack"):
        add_to_cart(http, organization, catalog[step])
    response = http.post(shop(organization, "checkout"), {"action": "pay"})

    with CaptureQueriesContext(connection) as ctx:
        assert notify(organization, response["Location"]) == 200

    before, after, statements = around_sale_number(
        [query["sql"] for query in ctx.captured_queries]
    )
    assert {"sales_ticket", "payments_checkoutsession", "sales_payment"} <= before
    assert after == {
        "sales_sale",
        "core_counter",
        "invoicing_invoice",
        "invoicing_invoicetaxline",
        "core_auditevent",
        "payments_providerevent",
    }
    assert not [sql for sql in statements if sql.startswith("SELECT")]
