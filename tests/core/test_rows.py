"""`core.rows.insert` and `update` write what `save()` writes, in one
statement, with its signals and its rollback on error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.core import rows
from comptoir.core.models import AuditEvent, Counter
from comptoir.invoicing.models import InvoiceTaxLine
from comptoir.invoicing.services import issue_invoices
from comptoir.payments.models import CheckoutSession
from comptoir.sales.models import Payment, PaymentMethod, Sale
from tests import factories

pytestmark = pytest.mark.django_db

DATA = {"number": "FA-X-1", "lignes": [{"prix": "12.50", "nom": "Entrée « été »"}]}


def _row(model, pk) -> dict:
    found = model.objects.filter(pk=pk).values().get()
    found.pop("id")
    return found


def test_an_inserted_row_is_the_row_save_inserts(organization):
    saved = AuditEvent(
        organization=organization, action="a.b", object_type="x.y", object_id="7"
    )
    saved.data = DATA
    saved.save(force_insert=True)
    inserted = AuditEvent(
        organization=organization, action="a.b", object_type="x.y", object_id="7"
    )
    inserted.data = DATA

    with CaptureQueriesContext(connection) as ctx:
        rows.insert(inserted)

    assert len(ctx) == 1
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert not inserted._state.adding
    assert inserted._state.db == "default"
    # `at` is auto_now_add: set on the instance as `save()` sets it.
    assert inserted.at is not None and inserted.at >= saved.at
    expected = _row(AuditEvent, saved.pk) | {"at": inserted.at}
    assert _row(AuditEvent, inserted.pk) == expected
    assert rows._inserts[(AuditEvent, "default", connection.vendor, False)]
    # The same columns, in the same order, as `save()`'s statement.
    assert _columns(ctx) == _columns_of_save(organization)


def _columns(ctx: CaptureQueriesContext) -> str:
    return ctx.captured_queries[0]["sql"].split(" VALUES ")[0]


def _columns_of_save(organization) -> str:
    with CaptureQueriesContext(connection) as ctx:
        AuditEvent(organization=organization, action="a").save(force_insert=True)
    return _columns(ctx)


def test_a_payment_keeps_its_amount_time_and_sale(park):
    products = factories.products(park)
    sale = factories.online_sale(park, None, factories.basket(products, ("ticket", 2)))
    received = dt.datetime(2026, 11, 30, 23, 59, 59, 123456, tzinfo=dt.UTC)
    payment = Payment(
        sale=sale,
        provider="test",
        reference="r-1",
        method=PaymentMethod.ONLINE_CARD,
        amount=Decimal("52.00"),
        received_at=received,
    )

    rows.insert(payment)

    read = Payment.objects.get(pk=payment.pk)
    assert (read.sale_id, read.amount, read.received_at) == (
        sale.pk,
        Decimal("52.00"),
        received,
    )
    assert read.recorded_by_id is None


def test_signals_are_sent_as_save_sends_them(organization):
    seen = []

    def before(sender, instance, **kwargs):
        seen.append(("pre", sender, instance.pk, kwargs["update_fields"]))

    def after(sender, instance, **kwargs):
        seen.append(("post", sender, instance.pk, kwargs["created"]))

    pre_save.connect(before, sender=AuditEvent)
    post_save.connect(after, sender=AuditEvent)
    try:
        event = AuditEvent(organization=organization, action="a", object_type="b")
        rows.insert(event)
        event.action = "c"
        rows.update(event, ("action",))
    finally:
        pre_save.disconnect(before, sender=AuditEvent)
        post_save.disconnect(after, sender=AuditEvent)

    assert seen == [
        ("pre", AuditEvent, None, None),
        ("post", AuditEvent, event.pk, True),
        ("pre", AuditEvent, event.pk, frozenset({"action"})),
        ("post", AuditEvent, event.pk, False),
    ]


def test_an_unsaved_related_object_is_refused_as_save_refuses_it(organization):
    sale = Sale(organization=organization)
    payment = Payment(sale=sale, provider="t", reference="r", amount=Decimal(1))

    with pytest.raises(ValueError, match="unsaved related object 'sale'"):
        rows.insert(payment)


def test_a_failed_insert_leaves_its_transaction_to_roll_back(park):
    products = factories.products(park)
    sale = factories.online_sale(park, None, factories.basket(products, ("ticket", 1)))
    fields = dict(
        sale=sale,
        provider="test",
        reference="same",
        method=PaymentMethod.ONLINE_CARD,
        amount=sale.total_incl,
        received_at=timezone.now(),
    )
    rows.insert(Payment(**fields))

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            rows.insert(Payment(**fields))
        # As after `save()`: nothing more may run in this transaction.
        assert transaction.get_rollback()

    assert Payment.objects.filter(reference="same").count() == 1


def test_an_update_writes_the_columns_named_and_no_other(park):
    products = factories.products(park)
    sale = factories.online_sale(park, None, factories.basket(products, ("ticket", 1)))
    sale.number = "S-261130-000001"
    sale.sale_date = dt.date(2026, 11, 30)
    sale.paid_at = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    sale.total_incl = Decimal("999.00")  # not named: not written

    with CaptureQueriesContext(connection) as ctx:
        rows.update(sale, ("number", "sale_date", "paid_at"))

    assert len(ctx) == 1
    read = Sale.objects.get(pk=sale.pk)
    assert (read.number, read.sale_date, read.paid_at) == (
        "S-261130-000001",
        dt.date(2026, 11, 30),
        dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC),
    )
    assert read.total_incl == Decimal("30.00")


def test_an_update_of_a_row_gone_raises_as_save_does(organization):
    event = AuditEvent.objects.create(organization=organization, action="a")
    AuditEvent.objects.filter(pk=event.pk).delete()
    event.action = "b"

    with pytest.raises(DatabaseError, match="did not affect any rows"):
        rows.update(event, ("action",))


def test_an_expression_goes_through_save(park):
    counter = Counter.objects.create(park=park, key="k", last_value=4)
    counter.last_value = F("last_value") + 1

    rows.update(counter, ("last_value",))

    assert Counter.objects.get(pk=counter.pk).last_value == 5


def test_a_primary_key_is_not_updatable(organization):
    event = AuditEvent.objects.create(organization=organization, action="a")

    with pytest.raises(ValueError, match="not an updatable field"):
        rows.update(event, ("id",))


def _tax_lines(invoice_id: int, n: int) -> list:
    return [
        InvoiceTaxLine(
            invoice_id=invoice_id,
            vat_rate=Decimal("20.00") if i % 2 else None,
            vat_category="S" if i % 2 else "O",
            base=Decimal(10 + i),
            vat=Decimal("2.00"),
            total_incl=Decimal(12 + i),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [1, 3, rows.MANY + 1])
def test_rows_inserted_together_are_those_bulk_create_inserts(park, n):
    invoice = factories_invoice(park)
    expected = InvoiceTaxLine.objects.bulk_create(_tax_lines(invoice.pk, n))
    lines = _tax_lines(invoice.pk, n)

    with CaptureQueriesContext(connection) as ctx:
        rows.insert_many(lines)

    assert len(ctx) == 1
    # Each object has its own row's key, in order.
    assert [line.pk for line in lines] == sorted(line.pk for line in lines)
    assert all(not line._state.adding for line in lines)
    assert all(line.pk > expected[-1].pk for line in lines)
    for line, twin in zip(lines, expected, strict=True):
        assert _row(InvoiceTaxLine, line.pk) == _row(InvoiceTaxLine, twin.pk)
    # Up to MANY rows, the statement compiled once is the one run (its
    # parameters matched Django's on this database), not `bulk_create`.
    compiled = rows._inserts_many.get(
        (InvoiceTaxLine, "default", connection.vendor, n, False)
    )
    assert (compiled is not None) == (n <= rows.MANY)


def factories_invoice(park):
    products = factories.products(park)
    client = factories.client(park)
    sale = factories.paid_online_sale(
        park, client, factories.basket(products, ("ticket", 1))
    )
    return issue_invoices(sale=sale)[0]


def test_no_row_is_no_statement():
    with CaptureQueriesContext(connection) as ctx:
        rows.insert_many([])

    assert len(ctx) == 0


def test_a_row_a_unique_constraint_refuses_is_skipped_when_asked(park, member):
    sale = factories.online_sale(
        park, member, factories.basket(factories.products(park), ("ticket", 1))
    )

    def session(url: str) -> CheckoutSession:
        return CheckoutSession(
            organization_id=park.organization_id,
            sale=sale,
            provider="simulator",
            session_id="cs_same",
            url=url,
            expires_at=timezone.now(),
        )

    first, again = session("https://first.example"), session("https://again.example")
    rows.insert_many([first], ignore_conflicts=True)
    with CaptureQueriesContext(connection) as ctx:
        rows.insert_many([again], ignore_conflicts=True)  # no error: skipped
    assert len(ctx) == 1
    stored = CheckoutSession.objects.get(session_id="cs_same")
    assert stored.url == "https://first.example"
    # Its `auto_now_add` time is the one the object was given, not the one
    # the statement's compilation made up.
    assert stored.created_at == first.created_at
    # As bulk_create: no key, it cannot know one for a skipped row.
    assert again.pk is None
    compiled = rows._inserts_many.get(
        (CheckoutSession, "default", connection.vendor, 1, True)
    )
    assert compiled is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert_many([session("https://third.example")])


def _written_together(park, organization, key="k"):
    """An audit event, two tax lines of an invoice and a counter's update."""
    invoice = factories_invoice(park)
    counter = Counter.objects.create(park=park, key=key, last_value=1)
    counter.last_hash = "f" * 64
    event = AuditEvent(organization=organization, action="a.b", object_type="x")
    event.data = DATA
    lines = _tax_lines(invoice.pk, 2)
    return event, lines, counter


def test_rows_written_together_are_those_written_one_by_one(park, organization):
    event, lines, counter = _written_together(park, organization)
    twin_event, twin_lines, _ = _written_together(park, organization, key="twin")
    rows.insert(twin_event)
    rows.insert_many(twin_lines)

    with CaptureQueriesContext(connection) as ctx:
        rows.together(
            rows.Insert(event),
            rows.InsertMany(lines),
            rows.Update(counter, ("last_hash",)),
        )

    # PostgreSQL writes them in one statement; elsewhere one each.
    assert len(ctx) == (1 if connection.vendor == "postgresql" else 3)
    assert _row(AuditEvent, event.pk) == _row(AuditEvent, twin_event.pk) | {
        "at": event.at
    }
    assert not event._state.adding and not any(x._state.adding for x in lines)
    # Each line has its own row's key: its row holds what it held.
    for line, twin in zip(lines, twin_lines, strict=True):
        assert _row(InvoiceTaxLine, line.pk) == _row(InvoiceTaxLine, twin.pk) | {
            "invoice_id": line.invoice_id
        }
    assert [line.base for line in lines] == [
        InvoiceTaxLine.objects.get(pk=line.pk).base for line in lines
    ]
    assert Counter.objects.get(pk=counter.pk).last_hash == "f" * 64


def test_signals_of_rows_written_together_are_sent_as_each_sends_them(
    park, organization
):
    event, lines, counter = _written_together(park, organization)
    seen = []

    def before(sender, instance, **kwargs):
        seen.append(("pre", sender, instance.pk))

    def after(sender, instance, **kwargs):
        seen.append(("post", sender, instance.pk, kwargs["created"]))

    for signal, receiver in ((pre_save, before), (post_save, after)):
        signal.connect(receiver, sender=AuditEvent)
        signal.connect(receiver, sender=Counter)
    try:
        rows.together(rows.Insert(event), rows.Update(counter, ("last_hash",)))
    finally:
        for signal, receiver in ((pre_save, before), (post_save, after)):
            signal.disconnect(receiver, sender=AuditEvent)
            signal.disconnect(receiver, sender=Counter)

    if connection.vendor == "postgresql":
        # Both statements are one: every pre_save before it, post_save after.
        assert seen == [
            ("pre", AuditEvent, None),
            ("pre", Counter, counter.pk),
            ("post", AuditEvent, event.pk, True),
            ("post", Counter, counter.pk, False),
        ]
    else:
        assert seen == [
            ("pre", AuditEvent, None),
            ("post", AuditEvent, event.pk, True),
            ("pre", Counter, counter.pk),
            ("post", Counter, counter.pk, False),
        ]


def test_a_failed_write_together_writes_none_of_them(park, organization):
    event, lines, counter = _written_together(park, organization)
    lines[1].base = None  # NOT NULL
    events = AuditEvent.objects.count()

    # Django's error, as each function raises it, and the savepoint rolled back.
    with pytest.raises(IntegrityError), transaction.atomic():
        try:
            rows.together(
                rows.Insert(event),
                rows.InsertMany(lines),
                rows.Update(counter, ("last_hash",)),
            )
        finally:
            assert transaction.get_rollback()

    assert AuditEvent.objects.count() == events
    assert Counter.objects.get(pk=counter.pk).last_hash == ""


def test_an_update_together_of_a_row_gone_raises_as_save_does(park, organization):
    event, _, counter = _written_together(park, organization)
    Counter.objects.filter(pk=counter.pk).delete()

    with transaction.atomic():
        with pytest.raises(DatabaseError, match="did not affect any rows"):
            rows.together(rows.Insert(event), rows.Update(counter, ("last_hash",)))
        transaction.set_rollback(True)


def test_a_row_named_by_a_key_given_first_is_written_with_it(park, organization):
    """`next_key_sql`: on PostgreSQL, rows naming a new row are written in
    the same statement as it."""
    invoice = factories_invoice(park)
    next_key = rows.next_key_sql(AuditEvent, connection)
    if next_key is None:
        assert connection.vendor != "postgresql"
        return
    sql, params = next_key
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        key = cursor.fetchone()[0]
    event = AuditEvent(pk=key, organization=organization, action="first")
    naming = AuditEvent(organization=organization, action="second", object_id=str(key))
    lines = _tax_lines(invoice.pk, 1)

    with CaptureQueriesContext(connection) as ctx:
        rows.together(rows.Insert(event), rows.Insert(naming), rows.InsertMany(lines))

    assert len(ctx) == 1
    assert event.pk == key
    assert AuditEvent.objects.get(pk=key).action == "first"
    assert AuditEvent.objects.get(pk=naming.pk).object_id == str(key)
    assert naming.pk > key
