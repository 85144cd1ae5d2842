"""The pure part of daily quotes: when a schedule runs (DST included) and the quote cycle."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.features.daily.schedule import (
    Schedule,
    closest_timezones,
    find_timezone,
    last_run,
    next_run,
    parse_time,
    pick_quote,
    run_on,
)


def local(run_at: datetime, zone: str) -> str:
    return run_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


@pytest.mark.parametrize(
    ("zone", "expected_utc", "expected_date"),
    [
        ("Europe/London", datetime(2026, 11, 21, 9, 0, tzinfo=UTC), date(2026, 11, 21)),
        ("America/New_York", datetime(2026, 11, 20, 14, 0, tzinfo=UTC), date(2026, 11, 20)),
        ("Asia/Kolkata", datetime(2026, 11, 21, 3, 30, tzinfo=UTC), date(2026, 11, 21)),
    ],
)
def test_next_run_is_the_local_time_in_three_timezones(
    zone: str, expected_utc: datetime, expected_date: date
) -> None:
    run = next_run(Schedule.of("09:00", zone), datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    assert run.at == expected_utc
    assert run.local_date == expected_date


def test_next_run_is_strictly_after_and_last_run_at_or_before() -> None:
    schedule = Schedule.of("09:00", "Europe/London")
    nine = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert next_run(schedule, nine).at == nine + timedelta(days=1)
    assert next_run(schedule, nine - timedelta(seconds=1)).at == nine
    assert last_run(schedule, nine).at == nine
    assert last_run(schedule, nine - timedelta(seconds=1)).at == nine - timedelta(days=1)


def test_new_york_spring_forward_gap_posts_at_the_first_valid_minute() -> None:
    """2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist: post at 03:00."""
    schedule = Schedule.of("02:30", "America/New_York")
    at = run_on(schedule, date(2026, 3, 8))
    assert local(at, "America/New_York") == "2026-03-08 03:00 EDT"
    assert at == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    # The days either side are ordinary.
    assert local(run_on(schedule, date(2026, 3, 7)), "America/New_York") == "2026-03-07 02:30 EST"
    assert local(run_on(schedule, date(2026, 3, 9)), "America/New_York") == "2026-03-09 02:30 EDT"


def test_new_york_fall_back_repeated_time_posts_once_at_the_first_occurrence() -> None:
    """2026-11-01: 01:00-02:00 happens twice; 01:30 runs once, at 01:30 EDT (05:30 UTC)."""
    schedule = Schedule.of("01:30", "America/New_York")
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert run_on(schedule, date(2026, 11, 1)) == first
    # Just after the first 01:30, the next run is the next day's, not the second 01:30 (EST).
    run = next_run(schedule, first)
    assert run.local_date == date(2026, 11, 2)
    assert local(run.at, "America/New_York") == "2026-11-02 01:30 EST"


def test_london_spring_forward_gap_posts_at_two_bst() -> None:
    """2026-03-29: 01:00 GMT jumps to 02:00 BST; 01:30 does not exist: post at 02:00 BST."""
    schedule = Schedule.of("01:30", "Europe/London")
    at = run_on(schedule, date(2026, 3, 29))
    assert local(at, "Europe/London") == "2026-03-29 02:00 BST"
    assert at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_london_fall_back_repeated_time_posts_once() -> None:
    """2026-10-25: 01:00-02:00 happens twice; 01:30 runs once, at 01:30 BST (00:30 UTC)."""
    schedule = Schedule.of("01:30", "Europe/London")
    at = run_on(schedule, date(2026, 10, 25))
    assert at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert next_run(schedule, at).local_date == date(2026, 10, 26)
    # Walking through the whole night gives exactly one run for the 25th.
    runs = set()
    moment = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    while moment < datetime(2026, 10, 26, 1, 0, tzinfo=UTC):
        runs.add(next_run(schedule, moment))
        moment += timedelta(minutes=10)
    assert sorted(r.local_date for r in runs) == [date(2026, 10, 25), date(2026, 10, 26)]


def test_ordinary_times_on_transition_days_keep_their_wall_clock_time() -> None:
    for zone, day in [
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
    ]:
        at = run_on(Schedule.of("09:00", zone), day)
        assert at.astimezone(ZoneInfo(zone)).time() == time(9, 0), (zone, day)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("25:00", "hours 00-23"), ("7pm", "HH:MM"), ("09:60", "minutes 00-59"), ("", "HH:MM")],
)
def test_bad_times_are_refused_with_a_clear_message(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_time(raw)


def test_timezone_names_are_checked_and_close_ones_suggested() -> None:
    assert find_timezone("europe/london") == "Europe/London"
    assert find_timezone("Europe/Londn") is None
    assert closest_timezones("Europe/Londn")[0] == "Europe/London"
    assert "America/New_York" in closest_timezones("New York")


def test_a_cycle_posts_every_quote_once_and_the_next_does_not_start_with_the_last() -> None:
    quotes = [f"q{i}" for i in range(7)]
    for seed in range(50):
        rng = random.Random(seed)
        seen: frozenset[str] = frozenset()
        last = None
        cycles: list[list[str]] = []
        for _ in range(4):
            cycle = []
            for _ in quotes:
                picked = pick_quote(quotes, seen, last, rng)
                assert picked is not None
                last, seen = picked
                cycle.append(last)
            cycles.append(cycle)
        for cycle in cycles:
            assert sorted(cycle) == quotes  # no repeat within a cycle
        for before, after in pairwise(cycles):
            assert after[0] != before[-1]


def test_a_cycle_takes_in_new_quotes_and_forgets_removed_ones() -> None:
    rng = random.Random(1)
    picked = pick_quote(["a", "b"], frozenset({"a", "gone"}), "a", rng)
    assert picked == ("b", frozenset({"a", "b", "gone"}))
    assert pick_quote([], frozenset(), None, rng) is None
    # A single quote repeats: there is nothing else to post.
    assert pick_quote(["a"], frozenset({"a"}), "a", rng) == ("a", frozenset({"a"}))
