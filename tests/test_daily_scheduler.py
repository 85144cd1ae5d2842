"""The daily loop with a test clock: the right instant, DST days, failures, one loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.clock import FakeClock, settle
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.daily.feature import DailyFeature
from bot.features.daily.model import DailyRow, Plan, PostStatus
from bot.features.daily.service import from_epoch
from tests.daily_support import (
    advance,
    advance_to,
    attach_poster,
    gone,
    place,
    schedule,
    settled,
)
from tests.harness import console_bot


async def test_posts_at_the_right_instant_in_three_timezones(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)
        await schedule(bot, "london", "09:00", "Europe/London")
        await schedule(bot, "newyork", "09:00", "America/New_York")
        await schedule(bot, "kolkata", "09:00", "Asia/Kolkata")
        # Now is Fri 20 Nov 12:00 UTC: New York's 09:00 is 14:00 UTC today, Kolkata's is
        # 03:30 UTC tomorrow, London's 09:00 UTC tomorrow.
        for channel, due in [
            ("newyork", datetime(2026, 11, 20, 14, 0, tzinfo=UTC)),
            ("kolkata", datetime(2026, 11, 21, 3, 30, tzinfo=UTC)),
            ("london", datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
        ]:
            before = len(poster.sent)
            await advance_to(bot, clock, due - timedelta(seconds=1))
            assert len(poster.sent) == before, f"{channel} posted early"
            await advance(bot, clock, timedelta(seconds=1))
            assert [(s.channel, s.at) for s in poster.sent[before:]] == [(channel, due)]


@pytest.mark.parametrize(
    ("zone", "start", "at", "expected"),
    [
        # Spring forward: the local time does not exist; post at the first valid minute.
        (
            "America/New_York",
            datetime(2026, 3, 7, 12, 0, tzinfo=UTC),
            "02:30",
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),  # 03:00 EDT
        ),
        (
            "Europe/London",
            datetime(2026, 3, 28, 12, 0, tzinfo=UTC),
            "01:30",
            datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 02:00 BST
        ),
        # Fall back: the local time happens twice; post once, at the first.
        (
            "America/New_York",
            datetime(2026, 10, 31, 12, 0, tzinfo=UTC),
            "01:30",
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT (not again at 01:30 EST)
        ),
        (
            "Europe/London",
            datetime(2026, 10, 24, 12, 0, tzinfo=UTC),
            "01:30",
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # 01:30 BST (not again at 01:30 GMT)
        ),
    ],
)
async def test_daylight_saving_days_post_once_at_the_right_instant(
    tmp_path: Path, zone: str, start: datetime, at: str, expected: datetime
) -> None:
    clock = FakeClock(start)
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)
        await schedule(bot, "room", at, zone)
        await advance_to(bot, clock, expected - timedelta(minutes=1))
        assert poster.sent == []
        await advance_to(bot, clock, expected)
        # Walk through the rest of the transition night in 10-minute steps.
        for _ in range(18):
            await advance(bot, clock, timedelta(minutes=10))
        assert [s.at for s in poster.sent] == [expected]
        # The next day posts at the ordinary wall-clock time.
        for _ in range(48):
            await advance(bot, clock, timedelta(minutes=30))
        assert len(poster.sent) == 2
        local = poster.sent[1].at.astimezone(ZoneInfo(zone))
        assert local.strftime("%H:%M") == at


async def test_a_platform_failure_is_shown_in_status_and_other_channels_still_post(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)
        poster.broken = {"gone": gone(), "buggy": RuntimeError("socket closed")}
        for channel in ("first", "gone", "buggy", "last"):
            await schedule(bot, channel, "13:00", "UTC")
        with caplog.at_level(logging.WARNING):
            await advance(bot, clock, timedelta(hours=1))
        assert sorted(poster.channels()) == ["first", "last"]
        assert "Missing Access" in caplog.text and "socket closed" in caplog.text
        service = bot.app.feature("daily", DailyFeature).service
        status = await service.status(place("gone"))
        assert status.row is not None and status.row.last_error is not None
        assert "Missing Access" in status.row.last_error
        # The failed day is not retried in a loop; the next day is tried again.
        poster.broken = {}
        await advance(bot, clock, timedelta(hours=23))
        assert len(poster.sent) == 2
        await advance(bot, clock, timedelta(hours=1))
        assert sorted(poster.channels()[2:]) == ["buggy", "first", "gone", "last"]


async def test_one_loop_sleeps_until_the_next_due_time_and_stops_with_the_app(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        attach_poster(bot, clock)
        scheduler = bot.app.feature("daily", DailyFeature).scheduler
        await settled(bot)
        assert scheduler.sleeping_until is None  # nothing scheduled: sleeps until poked
        # Other features' timers (the participation recorder's, the review reminders')
        # sleep on the same clock and come and go with the commands: count the daily
        # loop's own wake times.
        supervisor = bot.app.supervisor
        tasks = len(supervisor)
        await schedule(bot, "a", "18:00", "UTC")
        await schedule(bot, "b", "15:00", "UTC")
        first = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
        assert scheduler.sleeping_until == first
        # One sleeper for all channels, at the first due time; none per channel, no polling.
        assert clock.sleepers_until(first) == 1
        assert clock.sleepers_until(datetime(2026, 11, 20, 18, 0, tzinfo=UTC)) == 0
        assert len(supervisor) == tasks
    assert len(supervisor) == 0
    assert clock.sleepers == 0


async def test_daily_off_stops_posts_and_set_after_a_post_waits_for_the_next_day(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)
        feature = bot.app.feature("daily", DailyFeature)
        await schedule(bot, "room", "13:00", "UTC")
        await advance(bot, clock, timedelta(hours=1))
        assert len(poster.sent) == 1
        # Moving today's time later must not post a second time today.
        await schedule(bot, "room", "18:00", "UTC")
        row = await feature.service.get(place("room"))
        assert row is not None and row.next_due is not None
        assert from_epoch(row.next_due) == datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
        await feature.service.turn_off(place("room"), "mod")
        feature.scheduler.poke()
        await advance(bot, clock, timedelta(days=3))
        assert len(poster.sent) == 1


async def test_two_schedulers_on_one_database_post_once(tmp_path: Path, clock: FakeClock) -> None:
    """Two copies of the bot share the database file and the clock: each day posts once."""
    async with console_bot(tmp_path, clock) as first:
        poster_a = attach_poster(first, clock)
        await schedule(first, "room", "13:00", "UTC")
        async with console_bot(tmp_path, clock) as second:
            poster_b = attach_poster(second, clock)
            await settled(second)
            await advance([first, second], clock, timedelta(hours=1))
            for _ in range(4):
                await advance([first, second], clock, timedelta(days=1))
            assert len(poster_a.sent) + len(poster_b.sent) == 5
            days = {s.at.date() for s in poster_a.sent + poster_b.sent}
            assert len(days) == 5
            repo = await first.app.feature("daily", DailyFeature).service.repo()
            posts = await repo.posts(place("room"))
            assert [p["status"] for p in posts] == ["posted"] * 5


async def test_two_services_racing_for_the_same_due_posts_claim_each_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The claim is atomic: two dispatches started together send each channel's post once."""
    async with console_bot(tmp_path, clock) as first:
        poster_a = attach_poster(first, clock)
        for n in range(20):
            await schedule(first, f"room{n}", "13:00", "UTC")
        async with console_bot(tmp_path, clock) as second:
            poster_b = attach_poster(second, clock)
            # Stop both loops so only the two racing dispatches below run.
            await first.app.supervisor.stop()
            await second.app.supervisor.stop()
            clock.set(datetime(2026, 11, 20, 13, 0, tzinfo=UTC))
            a = first.app.feature("daily", DailyFeature).service
            b = second.app.feature("daily", DailyFeature).service
            sent = await asyncio.gather(a.dispatch_due(clock.now()), b.dispatch_due(clock.now()))
            assert sum(sent) == 20
            channels = poster_a.channels() + poster_b.channels()
            assert sorted(channels) == sorted(f"room{n}" for n in range(20))


async def test_a_claim_from_a_stale_read_or_for_a_day_already_taken_is_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The version check and the (channel, day) key each stop a second post on their own."""
    async with console_bot(tmp_path, clock) as bot:
        attach_poster(bot, clock)
        await schedule(bot, "room", "12:30", "UTC")
        await bot.app.supervisor.stop()
        clock.set(datetime(2026, 11, 20, 12, 30, tzinfo=UTC))
        service = bot.app.feature("daily", DailyFeature).service
        repo = await service.repo()
        stale = await repo.due(int(clock.now().timestamp()))
        assert await service.dispatch_due(clock.now()) == 1

        def plan_from(row: DailyRow) -> Plan:
            assert row.next_date is not None
            return Plan(
                schedule_id=row.id,
                version=row.version,
                local_date=row.next_date,
                next_due=int(clock.now().timestamp()) + 86_400,
                next_date="2026-11-21",
                status=PostStatus.CLAIMED,
                quote_id="any",
            )

        now = int(clock.now().timestamp())
        assert await repo.claim([plan_from(stale[0])], now) == []  # version moved on
        fresh = await repo.get(stale[0].place)
        assert fresh is not None
        same_day = replace(plan_from(fresh), local_date="2026-11-20")
        assert await repo.claim([same_day], now) == []  # the day is taken
        assert [p["local_date"] for p in await repo.posts(fresh.place)] == ["2026-11-20"]


async def test_an_unusable_stored_schedule_is_turned_off_and_others_still_post(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)
        await schedule(bot, "good", "13:00", "UTC")
        await schedule(bot, "bad", "13:00", "UTC")
        await bot.app.db.execute(
            "UPDATE daily_schedules SET timezone = 'Mars/Olympus_Mons' WHERE channel_id = 'bad'"
        )
        with caplog.at_level(logging.ERROR):
            await advance(bot, clock, timedelta(hours=1))
        assert poster.channels() == ["good"]
        row = await bot.app.feature("daily", DailyFeature).service.get(place("bad"))
        assert row is not None and not row.enabled and row.next_due is None
        assert row.last_error is not None and "set it again" in row.last_error
        assert "the stored schedule is unusable" in caplog.text
        assert bot.app.feature("daily", DailyFeature).scheduler.sleeping_until == datetime(
            2026, 11, 21, 13, 0, tzinfo=UTC
        )


async def test_shutdown_during_a_round_lets_claimed_posts_go_out_and_be_recorded(
    tmp_path: Path, clock: FakeClock
) -> None:
    class SlowPoster:
        def __init__(self) -> None:
            self.entered = asyncio.Event()
            self.release = asyncio.Event()
            self.sent = 0

        async def post(self, where: Place, replies: Sequence[Reply]) -> None:
            self.entered.set()
            await self.release.wait()
            self.sent += 1

    async with console_bot(tmp_path, clock) as bot:
        slow = SlowPoster()
        bot.app.engine.outbox.register("fake", slow)
        await schedule(bot, "room", "13:00", "UTC")
        await clock.advance(timedelta(hours=1))
        await slow.entered.wait()
        stopping = asyncio.create_task(bot.app.stop())
        await settle()
        assert not stopping.done()  # shutdown waits for the round in flight
        slow.release.set()
        await stopping
        assert slow.sent == 1
    async with console_bot(tmp_path, clock) as bot:
        repo = await bot.app.feature("daily", DailyFeature).service.repo()
        assert [p["status"] for p in await repo.posts(place("room"))] == ["posted"]


async def test_a_failing_reading_plan_fails_that_day_only(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)

        async def broken_plan(where: Place) -> int | None:
            raise RuntimeError("plan table locked")

        bot.app.feature("daily", DailyFeature).service.current_chapter = broken_plan
        await schedule(bot, "room", "13:00", "UTC", chapter="current")
        await advance(bot, clock, timedelta(hours=1))
        assert poster.sent == []
        row = await bot.app.feature("daily", DailyFeature).service.get(place("room"))
        assert row is not None and row.enabled and row.last_error is not None
        assert "plan table locked" in row.last_error

        async def plan_fifteen(where: Place) -> int | None:
            return 15

        bot.app.feature("daily", DailyFeature).service.current_chapter = plan_fifteen
        await advance(bot, clock, timedelta(days=1))
        assert poster.channels() == ["room"] and "chapter 15" in poster.sent[0].text
