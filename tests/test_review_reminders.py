"""`review remind on|off`: once a day, at the channel's daily time (the daily quote's when
the channel has a schedule, else the configured default), a private note to the members
who asked for it and have items due; none to those with nothing due or who turned it off."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from tests.databases import rows
from tests.harness import START, ConsoleBot
from tests.quiz_helpers import quiz_bot


async def miss(bot: ConsoleBot, user: str) -> None:
    await bot.say("/quiz practice 2", user=user)
    await bot.say("/practice answer 1927", user=user)


async def round_done(db: Path, clock: FakeClock) -> None:
    """Wait (a few milliseconds of real time; the clock is fake) until the reminder loop
    has moved every reminder past now."""
    now = int(clock.now().timestamp())
    loop = asyncio.get_running_loop()
    end = loop.time() + 5
    while loop.time() < end:
        await asyncio.sleep(0.002)
        if all(int(r[0]) > now for r in rows(db, "SELECT next_at FROM review_reminders")):
            await asyncio.sleep(0.01)  # the note is written after the claim
            return
    raise AssertionError("the reminder round did not run")


async def advance_to(clock: FakeClock, when: datetime) -> None:
    await clock.advance(when - clock.now())


async def test_reminders_come_at_the_daily_time_to_those_with_items_due(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "kruzhok.sqlite3"
    async with quiz_bot(tmp_path, clock) as bot:
        await miss(bot, "alice")  # due tomorrow
        on = await bot.say("/review remind on", user="alice")
        assert "the next check is at 2026-11-21 09:00 (UTC)" in on
        await bot.say("/review remind on", user="bob")  # nothing to review
        bot.posted()

        await advance_to(clock, START.replace(day=21, hour=9))
        await round_done(db, clock)
        posted = bot.posted()
        assert "[privately to alice]" in posted and "1 item to review today" in posted
        assert "bob" not in posted

        await bot.say("/review remind off", user="alice")
        await advance_to(clock, START.replace(day=22, hour=9))
        await round_done(db, clock)
        assert bot.posted() == ""


async def test_a_channel_with_a_daily_quote_reminds_at_its_time(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "kruzhok.sqlite3"
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/daily set time 18:30 timezone Europe/Berlin", user="mod", moderator=True)
        await miss(bot, "alice")
        on = await bot.say("/review remind on", user="alice")
        assert "the next check is at 2026-11-20 18:30 (Europe/Berlin)" in on
        await clock.advance(timedelta(days=1))  # 2026-11-21 12:00 UTC, 13:00 in Berlin
        await round_done(db, clock)
        bot.posted()  # the daily quote of the 20th (nothing was due for review that day)
        await advance_to(clock, START.replace(day=21, hour=17, minute=30))  # 18:30 Berlin
        await round_done(db, clock)
        posted = bot.posted()
        assert "[privately to alice]" in posted and "1 item to review today" in posted
