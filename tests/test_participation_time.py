"""Days, streaks and periods follow the configured timezone: across midnight in Moscow,
and across New York's daylight-saving change (a 25-hour day), with an injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FakeClock
from bot.core.periods import parse_period
from bot.features.participation.stats import DayCache, streaks
from tests.harness import console_bot
from tests.participation_support import db_rows

NY = ZoneInfo("America/New_York")


def test_streak_counts_back_from_today_or_from_yesterday() -> None:
    today = date(2026, 11, 20)
    days = [today - timedelta(days=i) for i in (0, 1, 2, 5, 6, 7, 8)]
    assert streaks(days, today) == (3, 4)
    assert streaks(days[1:], today) == (2, 4)  # today not over yet: the streak holds
    assert streaks(days[3:], today) == (0, 4)
    assert streaks([], today) == (0, 0)


def test_periods_are_defined_and_bad_ones_refused() -> None:
    today = date(2026, 11, 20)  # a Friday
    assert parse_period("week", today, None, "30d").first == date(2026, 11, 16)
    assert parse_period("month", today, None, "30d").first == date(2026, 11, 1)
    assert parse_period("today", today, None, "30d").days == [today]
    assert parse_period("all", today, date(2026, 1, 5), "30d").first == date(2026, 1, 5)
    assert len(parse_period(None, today, None, "30d").days) == 30
    assert parse_period("7D", today, None, "30d").first == date(2026, 11, 14)
    for bad in ("0d", "yesterday", "-3d", "99999d"):
        with pytest.raises(ValueError, match=r"expected|number of days"):
            parse_period(bad, today, None, "30d")


def test_day_cache_knows_the_25_hour_day_when_new_york_leaves_daylight_saving() -> None:
    cache = DayCache(NY)
    # 1 November 2026: clocks go back at 02:00 EDT; the local day lasts 25 hours.
    assert cache.day(datetime(2026, 11, 1, 4, 30, tzinfo=UTC)) == "2026-11-01"  # 00:30 EDT
    assert cache.day(datetime(2026, 11, 2, 4, 30, tzinfo=UTC)) == "2026-11-01"  # 23:30 EST
    assert cache.day(datetime(2026, 11, 2, 5, 0, tzinfo=UTC)) == "2026-11-02"  # 00:00 EST
    assert cache.day(datetime(2026, 10, 31, 3, 59, tzinfo=UTC)) == "2026-10-30"  # 23:59 EDT


async def test_messages_either_side_of_moscow_midnight_fall_on_two_days(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 19, 20, 30, tzinfo=UTC))  # 23:30 in Moscow
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, timezone="Europe/Moscow") as bot:
        await bot.say("late evening")
        await clock.advance(timedelta(hours=1))  # 00:30 in Moscow, still 19 Nov in UTC
        await bot.say("after midnight")
        shown = await bot.say("/stats")
        assert "Streak: 2 active days in a row (longest 2)" in shown
        assert "Europe/Moscow" in shown
    days = db_rows(
        db_file, "SELECT day, messages FROM activity_daily WHERE messages > 0 ORDER BY day"
    )
    assert days == [("2026-11-19", 1), ("2026-11-20", 1)]


async def test_the_same_instants_are_one_day_in_utc(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 19, 20, 30, tzinfo=UTC))
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("late evening")
        await clock.advance(timedelta(hours=1))
        await bot.say("after midnight")
        assert "Streak: 1 active day in a row" in await bot.say("/stats")


async def test_the_week_starts_on_moscow_monday_not_utc_monday(tmp_path: Path) -> None:
    # Sunday 22 Nov 2026, 22:30 UTC is Monday 23 Nov, 01:30 in Moscow.
    clock = FakeClock(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))  # Sunday 23:00 Moscow
    async with console_bot(tmp_path, clock, timezone="Europe/Moscow") as bot:
        await bot.say("last week")
        await clock.advance(timedelta(hours=2, minutes=30))
        await bot.say("this week")
        await bot.say("this week too")
        shown = await bot.say("/stats")
        assert "This week: 2 messages" in shown
        assert "Overall: 3 messages" in shown
        group = await bot.say("/stats group week")
        assert "this week (since Mon 23 Nov)" in group
        assert "Messages per day: 2.0 (2 in 1 day)" in group


async def test_streak_and_period_across_the_daylight_saving_change(tmp_path: Path) -> None:
    """One message at 23:30 local time on 31 Oct, 1 Nov (25 hours long) and 2 Nov."""
    start = datetime(2026, 10, 31, 23, 30, tzinfo=NY)
    clock = FakeClock(start)
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, timezone="America/New_York") as bot:
        await bot.say("Saturday night")
        await clock.advance(timedelta(hours=25))  # 23:30 EST on Sunday 1 Nov
        await bot.say("Sunday night, the long day")
        await clock.advance(timedelta(hours=24))  # 23:30 EST on Monday 2 Nov
        await bot.say("Monday night")
        assert "Streak: 3 active days in a row (longest 3)" in await bot.say("/stats")
        group = await bot.say("/stats group 3d")
        assert "Messages per day: 1.0 (3 in 3 days)" in group
        await clock.advance(timedelta(hours=24, minutes=45))  # 00:15 on Wednesday 4 Nov
        shown = await bot.say("/stats")
        assert "Streak: 0 active days in a row (longest 3)" in shown
    days = db_rows(
        db_file, "SELECT day, messages FROM activity_daily WHERE messages > 0 ORDER BY day"
    )
    assert days == [("2026-10-31", 1), ("2026-11-01", 1), ("2026-11-02", 1)]
