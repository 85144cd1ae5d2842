"""Privacy covers review: `privacy show` lists the review items and the reminder,
`privacy delete` erases them, and an opted-out member gets no schedule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from tests.databases import rows
from tests.harness import ConsoleBot
from tests.quiz_helpers import quiz_bot


async def miss(bot: ConsoleBot, user: str) -> None:
    await bot.say("/quiz practice 2", user=user)
    await bot.say("/practice answer 1927", user=user)


async def test_privacy_show_lists_review_data_and_delete_erases_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await miss(bot, "alice")
        await miss(bot, "bob")
        await bot.say("/review remind on", user="alice")
        shown = await bot.say("/privacy show", user="alice")
        assert "Review: 1 quiz item on your schedule" in shown
        assert "a daily reminder" in shown

        await bot.say("/privacy delete confirm", user="alice")

        assert "Review:" not in await bot.say("/privacy show", user="alice")
        await clock.advance(timedelta(days=1))
        assert "You have nothing to review" in await bot.say("/review", user="alice")
        assert "Daily reminder: off." in await bot.say("/review status", user="alice")
        assert "In which year" in await bot.say("/review", user="bob")  # bob's stays
    db = tmp_path / "kruzhok.sqlite3"
    for table in ("review_items", "review_shown", "review_reminders"):
        found = rows(db, f"SELECT user_id FROM {table} WHERE user_id = ?", ("alice",))
        assert found == [], table


async def test_opted_out_members_get_no_schedule(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await miss(bot, "alice")
        await bot.say("/privacy optout", user="alice")
        await miss(bot, "alice")
        refused = await bot.say("/review", user="alice")
        assert "You opted out" in refused and "/privacy optin" in refused
        assert "You opted out" in await bot.say("/review remind on", user="alice")
        await bot.say("/privacy optin", user="alice")
        await clock.advance(timedelta(days=1))
        assert "You have nothing to review" in await bot.say("/review", user="alice")
    assert rows(tmp_path / "kruzhok.sqlite3", "SELECT COUNT(*) FROM review_items") == [(0,)]
