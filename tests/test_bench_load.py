"""bench/load.py's arithmetic: the runs of one arm make one figure."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.load import arm_order, merge_runs, waits_line


def _row(count: int, rate: float, p50: int, p95: int, failures: int = 0) -> dict:
    return {
        "Request Count": str(count),
        "Failure Count": str(failures),
        "Requests/s": str(rate),
        "50%": str(p50),
        "95%": str(p95),
        "99%": str(p95 + 10),
    }


def test_two_halves_are_one_run_over_the_time_of_both():
    first = {
        "paid_checkout": _row(100, 50.0, 200, 300, failures=1),
        "server_cpu": {"web": 1.5, "db": 0.5},
    }
    second = {
        "paid_checkout": _row(300, 100.0, 240, 400),
        "server_cpu": {"web": 2.5, "db": 1.0},
    }

    merged = merge_runs([first, second])

    row = merged["paid_checkout"]
    # 400 checkouts in 2 s + 3 s: 80/s, not the mean of the rates (75/s).
    assert float(row["Requests/s"]) == pytest.approx(80.0)
    assert (row["Request Count"], row["Failure Count"]) == ("400", "1")
    # Percentiles weighted by the checkouts of each half.
    assert (row["50%"], row["95%"]) == ("230", "375")
    assert merged["server_cpu"] == {"web": 4.0, "db": 1.5}


def test_a_step_missing_from_a_half_is_left_out():
    merged = merge_runs(
        [
            {"paid_checkout": _row(10, 5.0, 1, 2), "server_cpu": {"web": 0, "db": 0}},
            {"server_cpu": {"web": 0, "db": 0}},
        ]
    )
    assert "paid_checkout" not in merged


def test_runs_merge_as_halves_do_over_the_time_of_all():
    runs = [
        {"paid_checkout": _row(100, 50.0, 200, 300), "server_cpu": {"web": 1, "db": 1}},
        {
            "paid_checkout": _row(100, 100.0, 100, 200),
            "server_cpu": {"web": 1, "db": 0},
        },
        {"paid_checkout": _row(200, 50.0, 300, 400), "server_cpu": {"web": 2, "db": 1}},
    ]

    merged = merge_runs(runs)

    # 400 checkouts in 2 s + 1 s + 4 s.
    assert float(merged["paid_checkout"]["Requests/s"]) == pytest.approx(400 / 7)
    assert merged["paid_checkout"]["50%"] == "225"
    assert merged["server_cpu"] == {"web": 4, "db": 2}


def test_the_arms_alternate_on_off_off_on_and_again():
    assert arm_order(4) == ["on", "off", "off", "on"]
    assert arm_order(8) == ["on", "off", "off", "on", "on", "off", "off", "on"]
    with pytest.raises(ValueError):
        arm_order(6)


def test_lock_waits_of_the_runs_add_up_and_the_most_waited_statement_shows():
    counter = ("Lock", "transactionid", 'UPDATE "core_counter" SET')
    wal = ("IO", "WALSync", "COMMIT")
    runs = [
        {"waits": {"samples": 100, "counts": Counter({counter: 30, wal: 50})}},
        {"waits": {"samples": 300, "counts": Counter({counter: 90})}},
    ]

    merged = merge_runs(runs)

    assert merged["waits"] == {
        "samples": 400,
        "counts": Counter({counter: 120, wal: 50}),
    }
    # Waits on a lock only: 120 in 400 samples; the WAL sync is not a lock.
    line = waits_line(merged)
    assert "0.30 backends a sample (400 samples)" in line
    assert 'most on UPDATE "core_counter" SET… (transactionid) 0.30' in line
