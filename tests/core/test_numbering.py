"""`take_next_number`: a series' next value in one statement, gap-free."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comptoir.core.models import Counter
from comptoir.core.numbering import take_next_number

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
