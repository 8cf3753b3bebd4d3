"""`take_next_number` and `lock_and_take_next`: a series' next value in one
statement, gap-free."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comptoir.core.models import Counter
from comptoir.core.numbering import (
    lock_and_take_next,
    lock_and_take_next_with_key,
    take_next_number,
)

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_numbers_follow_each_other_from_one_and_the_row_is_created_once(park):
    with transaction.atomic():
        taken = [take_next_number(park_id=park.pk, key="sale:261130") for _ in range(3)]

    assert taken == [1, 2, 3]
    assert Counter.objects.get(park=park, key="sale:261130").last_value == 3


def test_a_rolled_back_number_is_taken_again(park):
    with transaction.atomic():
        take_next_number(park_id=park.pk, key="sale:261130")
    with pytest.raises(Rollback), transaction.atomic():
        take_next_number(park_id=park.pk, key="sale:261130")
        raise Rollback

    with transaction.atomic():
        assert take_next_number(park_id=park.pk, key="sale:261130") == 2


def test_an_existing_series_costs_one_statement(park):
    with transaction.atomic():
        take_next_number(park_id=park.pk, key="sale:261130")
        with CaptureQueriesContext(connection) as ctx:
            take_next_number(park_id=park.pk, key="sale:261130")

    assert len(ctx) == 1
    assert ctx.captured_queries[0]["sql"].startswith("UPDATE")


def test_a_document_series_row_comes_back_incremented_in_one_statement(park):
    Counter.objects.create(
        park=park, key="doc:invoice", last_value=7, last_hash="a" * 64, seal="b" * 64
    )
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            counter = lock_and_take_next(park_id=park.pk, key="doc:invoice")
        # The caller writes the chain's end into the same row.
        counter.last_hash = "c" * 64
        counter.save(update_fields=["last_hash"])

    assert len(ctx) == 1
    assert ctx.captured_queries[0]["sql"].startswith("UPDATE")
    assert (counter.last_value, counter.seal) == (8, "b" * 64)
    stored = Counter.objects.get(park=park, key="doc:invoice")
    assert (stored.last_value, stored.last_hash) == (8, "c" * 64)


def test_a_document_series_starts_at_one_and_a_rollback_gives_it_back(park):
    with pytest.raises(Rollback), transaction.atomic():
        assert lock_and_take_next(park_id=park.pk, key="doc:invoice").last_value == 1
        raise Rollback

    with transaction.atomic():
        first = lock_and_take_next(park_id=park.pk, key="doc:invoice")
        second = lock_and_take_next(park_id=park.pk, key="doc:invoice")

    assert (first.last_value, second.last_value) == (1, 2)
    assert Counter.objects.get(park=park, key="doc:invoice").last_value == 2


def test_a_new_row_gets_with_the_number_the_key_its_table_would_give_it(park):
    """On PostgreSQL the counter's statement also gives the document about
    to be numbered its key (so that rows naming it are written with it);
    elsewhere it has none until inserted."""
    from comptoir.core.models import AuditEvent

    Counter.objects.create(park=park, key="doc:invoice", last_value=3)
    before = AuditEvent.objects.create(action="before")
    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            counter, reserved = lock_and_take_next_with_key(
                park_id=park.pk, key="doc:invoice", model=AuditEvent
            )
        new = AuditEvent(pk=reserved, action="numbered")
        new.save(force_insert=True)
        after = AuditEvent.objects.create(action="after")

    assert len(ctx) == 1
    assert counter.last_value == 4
    if connection.vendor == "postgresql":
        # The sequence's next value: between the rows inserted before and after.
        assert before.pk < reserved < after.pk
        assert new.pk == reserved
    else:
        assert reserved is None
        assert before.pk < new.pk < after.pk
