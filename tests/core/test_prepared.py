"""`core.prepared`: a query compiled once gives, call after call, exactly
the rows its queryset would give for the new values, and refuses what it
cannot bind safely. Every comparison is against the ORM's own evaluation of
the same queryset, on the database the suite runs on (SQLite or
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.catalog.models import Product
from comptoir.core.prepared import (
    PreparationError,
    PreparedQuery,
    PreparedUpdate,
    Shape,
)
from comptoir.customers.models import Client
from comptoir.sales.models import Sale, SaleLine, SaleStatus
from tests import factories


def _products(*, organization_id: int, ids: list[int] | None) -> QuerySet[Product]:
    rows = Product.objects.filter(organization_id=organization_id).select_related(
        "park"
    )
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.order_by("pk")


PRODUCTS = PreparedQuery[Product](_products)


def _fields(product: Product) -> tuple:
    return (product.pk, product.name, product.price_incl, product.park.name)


@pytest.fixture
def two_catalogs(db):
    first, second = factories.organization(), factories.organization()
    return (
        factories.products(factories.park(first)),
        factories.products(factories.park(second)),
    )


def test_each_call_gives_the_querysets_rows_for_its_own_values(two_catalogs):
    for catalog in two_catalogs:
        organization_id = catalog["ticket"].organization_id
        ids = [catalog["ticket"].pk, catalog["snack"].pk]
        for chosen in (None, ids, ids[:1]):
            expected = [
                _fields(p)
                for p in _products(organization_id=organization_id, ids=chosen)
            ]
            got = PRODUCTS.fetch(organization_id=organization_id, ids=chosen)
            assert [_fields(p) for p in got] == expected
            assert expected  # the comparison is about rows, not two empty lists


def test_rows_come_with_their_select_related_rows_and_one_statement(two_catalogs):
    catalog = two_catalogs[0]
    organization_id = catalog["ticket"].organization_id
    PRODUCTS.fetch(organization_id=organization_id, ids=None)  # compiled
    with CaptureQueriesContext(connection) as queries:
        rows = PRODUCTS.fetch(organization_id=organization_id, ids=None)
        names = {p.park.name for p in rows}
    assert len(queries) == 1
    assert names == {catalog["ticket"].park.name}


def test_nothing_about_the_data_is_kept_between_calls(two_catalogs):
    ticket = two_catalogs[0]["ticket"]
    before = PRODUCTS.fetch(organization_id=ticket.organization_id, ids=[ticket.pk])
    Product.objects.filter(pk=ticket.pk).update(price_incl=Decimal("31.50"))
    after = PRODUCTS.fetch(organization_id=ticket.organization_id, ids=[ticket.pk])
    assert before[0].price_incl == Decimal("30.00")
    assert after[0].price_incl == Decimal("31.50")


def test_an_empty_list_runs_no_statement_and_gives_no_row(two_catalogs):
    ticket = two_catalogs[0]["ticket"]
    with CaptureQueriesContext(connection) as queries:
        assert PRODUCTS.fetch(organization_id=ticket.organization_id, ids=[]) == []
    assert len(queries) == 0


def test_values_list_rows_as_tuples_and_flat(two_catalogs):
    catalog = two_catalogs[1]
    organization_id = catalog["ticket"].organization_id

    def tuples(*, organization_id: int) -> QuerySet:
        return (
            Product.objects.filter(organization_id=organization_id)
            .order_by("pk")
            .values_list("pk", "price_incl", "park__name")
        )

    def flat(*, organization_id: int) -> QuerySet:
        return (
            Product.objects.filter(organization_id=organization_id)
            .order_by("pk")
            .values_list("name", flat=True)
        )

    assert PreparedQuery(tuples).fetch(organization_id=organization_id) == list(
        tuples(organization_id=organization_id)
    )
    assert PreparedQuery(flat).fetch(organization_id=organization_id) == list(
        flat(organization_id=organization_id)
    )


def test_uuids_datetimes_and_annotations_bound_as_the_orm_binds_them(
    park, products, member
):
    other = factories.client(park, groups=[], with_account=False)
    sales = [
        factories.online_sale(park, client, factories.basket(products, ("ticket", 1)))
        for client in (member, other)
    ]

    def sale_lines(*, public_id, created_after: dt.datetime) -> QuerySet[SaleLine]:
        eligible = Client.objects.filter(
            groups__online_invoices=True, pk=OuterRef("sale__client")
        )
        return (
            SaleLine.objects.filter(
                sale__public_id=public_id, sale__created_at__gt=created_after
            )
            .select_related("sale__client", "product")
            .annotate(eligible=Exists(eligible))
        )

    prepared = PreparedQuery[SaleLine](sale_lines)
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    for sale in sales:
        expected = list(sale_lines(public_id=sale.public_id, created_after=an_hour_ago))
        got = prepared.fetch(public_id=sale.public_id, created_after=an_hour_ago)
        assert [(line.pk, line.sale.client.pk, line.eligible) for line in got] == [
            (line.pk, line.sale.client.pk, line.eligible) for line in expected
        ]
    # The member is in an online-invoice group, the other client is not.
    eligible = [
        prepared.fetch(public_id=s.public_id, created_after=an_hour_ago)[0].eligible
        for s in sales
    ]
    assert eligible == [True, False]
    later = timezone.now() + dt.timedelta(hours=1)
    assert prepared.fetch(public_id=sales[0].public_id, created_after=later) == []


def test_none_is_part_of_the_shape_as_in_the_orm(park, products, member):
    anonymous = factories.online_sale(
        park, None, factories.basket(products, ("ticket", 1))
    )
    named = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )

    def of_client(*, park_id: int, client_id: int | None) -> QuerySet[Sale]:
        return Sale.objects.filter(park_id=park_id, client_id=client_id)

    prepared = PreparedQuery[Sale](of_client)
    assert [s.pk for s in prepared.fetch(park_id=park.pk, client_id=None)] == [
        anonymous.pk
    ]
    assert [s.pk for s in prepared.fetch(park_id=park.pk, client_id=member.pk)] == [
        named.pk
    ]


def test_shape_values_are_given_to_the_builder_and_compiled_apart(two_catalogs):
    ticket = two_catalogs[0]["ticket"]

    def by_pk(*, pk: int, related: tuple[str, ...]) -> QuerySet[Product]:
        rows = Product.objects.filter(pk=pk)
        return rows.select_related(*related) if related else rows

    prepared = PreparedQuery[Product](by_pk)
    plain = prepared.fetch(pk=ticket.pk, related=Shape(()))[0]
    joined = prepared.fetch(pk=ticket.pk, related=Shape(("park",)))[0]
    assert not Product.park.is_cached(plain)
    assert Product.park.is_cached(joined)


@pytest.mark.django_db(transaction=True)
def test_select_for_update_is_refused_outside_a_transaction_on_every_call():
    def locked(*, pk: int) -> QuerySet[Sale]:
        return Sale.objects.select_for_update().filter(pk=pk)

    prepared = PreparedQuery[Sale](locked)
    with pytest.raises(TransactionManagementError):
        prepared.fetch(pk=1)
    with transaction.atomic():
        assert prepared.fetch(pk=0) == []  # compiled, and runs inside one
    with pytest.raises(TransactionManagementError):
        prepared.fetch(pk=1)


def test_a_value_the_lookup_transforms_is_refused(db):
    def containing(*, text: str) -> QuerySet[Product]:
        return Product.objects.filter(name__contains=text)

    with pytest.raises(PreparationError, match="transformed"):
        PreparedQuery[Product](containing).fetch(text="Entrée")


def test_a_query_whose_sql_depends_on_a_value_is_refused(db):
    def depends(*, pk: int) -> QuerySet[Product]:
        rows = Product.objects.filter(pk=pk)
        return rows.filter(public=True) if pk < 1_100_000_000 else rows

    with pytest.raises(PreparationError, match="changes with its values"):
        PreparedQuery[Product](depends).fetch(pk=3)


def test_values_it_cannot_bind_are_refused(db):
    prepared = PreparedQuery[Product](
        lambda *, price: Product.objects.filter(price_incl=price)
    )
    with pytest.raises(PreparationError, match="Decimal"):
        prepared.fetch(price=Decimal("3.50"))
    naive = PreparedQuery[Product](
        lambda *, at: Product.objects.filter(created_at__gt=at)
    )
    with pytest.raises(PreparationError, match="naive"):
        naive.fetch(at=dt.datetime(2026, 1, 1))


def _of_park(*, park_id: int, status: str) -> QuerySet[Sale]:
    return Sale.objects.filter(park_id=park_id, status=status)


CLOSE = PreparedUpdate(_of_park)


def test_an_update_changes_the_rows_the_queryset_would_and_counts_them(
    park, products, member
):
    other_park = factories.park(park.organization)
    pending = [
        factories.online_sale(where, member, factories.basket(products, ("ticket", 1)))
        for where in (park, park, other_park)
    ]
    at = timezone.now() - dt.timedelta(minutes=5)
    changed = CLOSE.run(
        {"status": SaleStatus.ABANDONED, "paid_at": at},
        park_id=park.pk,
        status=SaleStatus.PENDING,
    )
    assert changed == 2
    rows = {s.pk: (s.status, s.paid_at) for s in Sale.objects.all()}
    assert rows[pending[0].pk] == (SaleStatus.ABANDONED, at)
    assert rows[pending[1].pk] == (SaleStatus.ABANDONED, at)
    assert rows[pending[2].pk] == (SaleStatus.PENDING, None)
    # Compiled already: the next run binds its own values, not the first's.
    assert (
        CLOSE.run(
            {"status": SaleStatus.ABANDONED, "paid_at": at},
            park_id=other_park.pk,
            status=SaleStatus.PENDING,
        )
        == 1
    )
    assert Sale.objects.get(pk=pending[2].pk).status == SaleStatus.ABANDONED


def test_an_update_names_its_columns_in_its_shape(park, products, member):
    sale = factories.online_sale(
        park, member, factories.basket(products, ("ticket", 1))
    )
    at = timezone.now()
    CLOSE.run({"paid_at": at}, park_id=park.pk, status=SaleStatus.PENDING)
    CLOSE.run({"status": SaleStatus.ABANDONED}, park_id=park.pk, status=sale.status)
    sale.refresh_from_db()
    assert (sale.status, sale.paid_at) == (SaleStatus.ABANDONED, at)
    with pytest.raises(PreparationError):
        CLOSE.run({}, park_id=park.pk, status=SaleStatus.PENDING)
