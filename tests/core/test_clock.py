import datetime as dt

from comptoir.core.clock import business_date, format_datetime


def test_a_late_evening_sale_belongs_to_the_parks_day_not_utcs():
    moment = dt.datetime(2024, 3, 5, 23, 30, tzinfo=dt.UTC)  # 00:30 in Paris
    assert business_date(moment, "Europe/Paris") == dt.date(2024, 3, 6)


def test_dates_are_written_as_the_product_note_writes_them():
    moment = dt.datetime(2024, 3, 5, 17, 23, tzinfo=dt.UTC)
    assert format_datetime(moment, "Europe/Paris") == "05/03/2024 18:23"
