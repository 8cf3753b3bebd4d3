"""What a visitor or a member may buy, and at what price."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from comptoir.core.prepared import PreparedQuery
from comptoir.customers.models import Client

from .models import GroupPrice, Product


def products_of(organization_id: int) -> QuerySet[Product]:
    """The organization's products, for staff screens."""
    return Product.objects.filter(organization_id=organization_id).select_related(
        "park"
    )


MAX_ID = 2**63 - 1  # BigAutoField


@dataclass(frozen=True)
class Offer:
    product: Product
    price_incl: Decimal
    group_name: str  # "" for the public price


def _group_prices(
    *, organization_id: int, client_id: int, product_ids: list[int] | None
) -> QuerySet[GroupPrice, tuple[int, Decimal | None, str]]:
    """The prices of the client's private-shop groups, as plain values."""
    rows = GroupPrice.objects.filter(
        group__clients=client_id,
        group__private_shop=True,
        group__organization_id=organization_id,
    )
    if product_ids is not None:
        rows = rows.filter(product_id__in=product_ids)
    return rows.values_list("product_id", "price_incl", "group__name")


def _offered_products(
    *, organization_id: int, client_id: int | None, product_ids: list[int] | None
) -> QuerySet[Product]:
    """Active products open to the client: public ones, and those its
    private-shop groups price."""
    products = Product.objects.filter(
        organization_id=organization_id, active=True
    ).select_related("park", "slot_schedule")
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    visible = Q(public=True)
    if client_id is not None:
        visible |= Q(
            pk__in=GroupPrice.objects.filter(
                group__clients=client_id,
                group__private_shop=True,
                group__organization_id=organization_id,
            ).values("product_id")
        )
    return products.filter(visible)


# Every shop page, basket and checkout prices with them: compiled once per
# shape (a basket's length; core.prepared). The rows are read every time.
_GROUP_PRICES = PreparedQuery[tuple[int, Decimal | None, str]](_group_prices)
_OFFERED_PRODUCTS = PreparedQuery[Product](_offered_products)


def offers_for(
    *,
    organization_id: int,
    client: Client | None,
    product_ids: Collection[int] | None = None,
) -> list[Offer]:
    """Products open to this client (public ones, and its groups' private
    ones) at the best price it is entitled to.

    With `product_ids`, only those products are read (a basket, one product
    added): the same rule, without loading the whole catalog. Prices are
    read from the database on every call, never cached.
    """
    ids: list[int] | None = None
    if product_ids is not None:
        # No such row past the column's range; the database would refuse it.
        ids = sorted({pk for pk in product_ids if 0 < pk <= MAX_ID})
        if not ids:
            return []
    client_id = None if client is None else client.pk
    # The client's group prices as plain values (no joined models), and the
    # products themselves, public or opened to it by one of those groups.
    group_prices: dict[int, list[tuple[Decimal | None, str]]] = {}
    if client_id is not None:
        for product_id, price, group_name in _GROUP_PRICES.fetch(
            organization_id=organization_id, client_id=client_id, product_ids=ids
        ):
            group_prices.setdefault(product_id, []).append((price, group_name))
    products = _OFFERED_PRODUCTS.fetch(
        organization_id=organization_id, client_id=client_id, product_ids=ids
    )
    offers: dict[int, Offer] = {}
    for product in products:
        best = Offer(product, product.price_incl, "") if product.public else None
        for group_price, group_name in group_prices.get(product.pk, ()):
            price = product.price_incl if group_price is None else group_price
            if best is None or price < best.price_incl:
                best = Offer(product, price, group_name)
        if best is not None:
            offers[product.pk] = best
    return sorted(
        offers.values(),
        key=lambda o: (o.product.position, o.product.kind, o.product.name),
    )


def offer_for(
    *, organization_id: int, client: Client | None, product_id: int
) -> Offer | None:
    """The offer of one product to this client, None when it may not buy it."""
    offers = offers_for(
        organization_id=organization_id, client=client, product_ids=[product_id]
    )
    return offers[0] if offers else None


def price_for(*, product: Product, client: Client | None) -> Offer:
    """What `client` pays for `product` at the counter: the lowest of the
    public price and the prices of the groups it belongs to."""
    best = Offer(product, product.price_incl, "")
    if client is None:
        return best
    group_prices = GroupPrice.objects.filter(
        product=product,
        group__clients=client,
        group__organization_id=product.organization_id,
    ).select_related("group")
    for gp in group_prices.order_by("group__name"):
        price = gp.price_incl if gp.price_incl is not None else product.price_incl
        if price < best.price_incl:
            best = Offer(product, price, gp.group.name)
    return best


def counter_products_of(park_id: int) -> QuerySet[Product]:
    """Active products of the park sold at the counter, in the shop's order."""
    return Product.objects.filter(
        park_id=park_id, active=True, sold_at_counter=True
    ).order_by("position", "kind", "name")


def group_prices_of(product: Product) -> QuerySet[GroupPrice]:
    """The private shops a product is open to, with their prices."""
    return product.group_prices.select_related("group").order_by("group__name")
