"""A staff search is bounded whatever is pasted into it.

At most MAX_SEARCH_WORDS words (the first ones, repeats dropped) are looked
for, so a thousand words neither fail nor slow the query down.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.customers.selectors import MAX_SEARCH_WORDS, search_words
from tests import factories

pytestmark = pytest.mark.django_db

MANY_WORDS = " ".join(f"mot{i}" for i in range(1000))


def test_search_words_are_capped_and_deduplicated():
    assert search_words("Bay bay BAY corp") == ["Bay", "corp"]
    assert len(search_words(MANY_WORDS)) == MAX_SEARCH_WORDS == 10
    assert search_words(MANY_WORDS)[:2] == ["mot0", "mot1"]
    assert len(search_words("x" * 5000)[0]) == 100


def _longest_query(http, url: str, params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url, params)
    return response.status_code, max(len(q["sql"]) for q in queries.captured_queries)


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("backoffice:clients", "q"),
        ("backoffice:sales", "client"),
        ("backoffice:invoices", "client"),
        ("backoffice:counter", "q"),
    ],
)
def test_a_thousand_word_search_answers_with_a_bounded_query(
    as_manager, member, name, param
):
    url = reverse(name)
    status, short = _longest_query(as_manager, url, {param: "BAY"})
    assert status == 200
    status, long = _longest_query(as_manager, url, {param: MANY_WORDS})
    assert status == 200
    # Ten words' worth of conditions, not a thousand.
    assert long < short + 10_000


def test_the_group_member_search_is_bounded(as_manager, group, park):
    factories.client(park, company_name="BAYCORP INC")
    url = reverse("backoffice:group", kwargs={"pk": group.pk})
    response = as_manager.get(url, {"q": MANY_WORDS})
    assert response.status_code == 200


def test_repeated_words_do_not_push_the_others_out(as_manager, park):
    factories.client(park, company_name="ACME LOISIRS", city="SENS")
    factories.client(park, company_name="ACME LOISIRS", city="AUXERRE")
    response = as_manager.get(
        reverse("backoffice:clients"), {"q": " ".join(["acme"] * 500 + ["sens"])}
    )
    page = response.content.decode()
    assert "SENS" in page
    assert "AUXERRE" not in page
