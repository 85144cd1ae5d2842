"""Daily quotes across restarts: schedules live in the database, a missed post is made once
within the grace period, and no day is posted twice. Restart = a new app on the same file."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.daily_support import advance, advance_to, settled
from tests.harness import ConsoleBot, console_bot

DUE = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # the tests start at 12:00 UTC


async def set_one_pm(bot: ConsoleBot) -> None:
    shown = await bot.say("/daily set time 13:00 timezone UTC chapter all", moderator=True)
    assert "Next post: Fri 20 Nov 2026, 13:00 UTC." in shown and "13:00 UTC (UTC)" not in shown
    await settled(bot)


def quotes_in(posted: str) -> list[str]:
    """The quotes in posted text: each ends with ” at the end of its line."""
    return re.findall(r"“(.+?)”$", posted, flags=re.DOTALL | re.MULTILINE)


async def test_restart_before_the_due_time_posts_at_the_due_time(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await set_one_pm(bot)
        await advance(bot, clock, timedelta(minutes=30))
    await clock.advance(timedelta(minutes=15))  # down from 12:30 to 12:45
    async with console_bot(tmp_path, clock) as bot:
        await settled(bot)
        assert bot.posted() == ""
        await advance_to(bot, clock, DUE - timedelta(seconds=1))
        assert bot.posted() == ""
        await advance_to(bot, clock, DUE)
        assert len(quotes_in(bot.posted())) == 1


async def test_down_during_the_due_time_posts_once_on_start_within_the_grace_period(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await set_one_pm(bot)
        await advance(bot, clock, timedelta(minutes=50))
    await clock.advance(timedelta(minutes=40))  # down from 12:50 to 13:30
    async with console_bot(tmp_path, clock) as bot:
        await settled(bot)
        assert len(quotes_in(bot.posted())) == 1
        await advance(bot, clock, timedelta(hours=2))
        assert bot.posted() == ""
    # Restarting again the same day posts nothing more.
    async with console_bot(tmp_path, clock) as bot:
        await settled(bot)
        assert bot.posted() == ""


async def test_restart_right_after_posting_does_not_post_again(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await set_one_pm(bot)
        await advance_to(bot, clock, DUE)
        assert len(quotes_in(bot.posted())) == 1
    async with console_bot(tmp_path, clock) as bot:  # same instant, 13:00
        await settled(bot)
        await advance(bot, clock, timedelta(minutes=5))
        assert bot.posted() == ""
        # The next day goes out as usual.
        await advance_to(bot, clock, DUE + timedelta(days=1))
        assert len(quotes_in(bot.posted())) == 1


async def test_a_post_later_than_the_grace_period_is_skipped_and_logged(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await set_one_pm(bot)
        await advance(bot, clock, timedelta(minutes=50))
    await clock.advance(timedelta(hours=2, minutes=11))  # back at 15:01: 121 min late
    with caplog.at_level(logging.WARNING):
        async with console_bot(tmp_path, clock) as bot:
            await settled(bot)
            assert bot.posted() == ""
            status = await bot.say("/daily status")
            assert (
                "Last failure: Fri 20 Nov 2026, 15:01 UTC: missed the post of 2026-11-20" in status
            )
            assert "Next post: Sat 21 Nov 2026, 13:00 UTC" in status
            await advance_to(bot, clock, DUE + timedelta(days=1))
            assert len(quotes_in(bot.posted())) == 1
    assert "missed the post of 2026-11-20" in caplog.text


async def test_a_post_exactly_at_the_end_of_the_grace_period_is_made(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, daily={"grace_minutes": 30}) as bot:
        await set_one_pm(bot)
    await clock.advance(timedelta(hours=1, minutes=30))  # 13:30, 30 min late
    async with console_bot(tmp_path, clock, daily={"grace_minutes": 30}) as bot:
        await settled(bot)
        assert len(quotes_in(bot.posted())) == 1


async def test_no_quote_repeats_within_a_cycle_and_the_next_cycle_starts_with_another(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Holds for any number of quotes in the pack; the cycle survives restarts."""
    async with console_bot(tmp_path, clock) as bot:
        everything = [q.text for c in bot.app.store.book.chapters for q in c.quotes]
        await set_one_pm(bot)
    posted: list[str] = []
    for day in range(len(everything) + 1):
        async with console_bot(tmp_path, clock) as bot:  # a restart every day
            await advance_to(bot, clock, DUE + timedelta(days=day))
            posted.extend(quotes_in(bot.posted()))
    first_cycle = posted[: len(everything)]
    assert sorted(first_cycle) == sorted(everything)
    if len(everything) > 1:
        assert posted[len(everything)] != first_cycle[-1]
