"""Privacy that holds: an opted-out member's answers, practice, reactions and check-ins
are not kept, and `privacy delete` leaves neither their id nor their name in any table,
nor (on SQLite, once the log is checkpointed) in the database's files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.core.refs import Caller
from tests.databases import POSTGRES, stored_bytes, stored_text
from tests.harness import ConsoleBot, console_bot
from tests.participation_support import recorder_of

# A member whose id and name appear nowhere else (other tests' databases included).
MEMBER_ID = "u-5521-qvz"
MEMBER_NAME = "Ximena Quillfeather"


async def say(bot: ConsoleBot, line: str, moderator: bool = False) -> str:
    """What the console shows after the member (own id, own display name) types `line`."""
    caller = Caller(MEMBER_ID, MEMBER_NAME, platform_moderator=moderator)
    replies = await bot.app.engine.on_message(caller, bot.adapter.place, line)
    return bot.adapter.render(replies) if replies else ""


def react(bot: ConsoleBot) -> None:
    bot.app.engine.on_reaction(Caller(MEMBER_ID, MEMBER_NAME), bot.adapter.place)


def traces(db_file: Path) -> list[str]:
    """Where the member is still found: in a table's values, or in the files' bytes."""
    found = [f"table value: {w}" for w in (MEMBER_ID, MEMBER_NAME) if w in stored_text(db_file)]
    if not POSTGRES:  # PostgreSQL recycles its files itself: its tables are what counts
        data = stored_bytes(db_file)
        found += [f"file bytes: {w}" for w in (MEMBER_ID, MEMBER_NAME) if w.encode() in data]
    return found


async def take_part(bot: ConsoleBot) -> None:
    """Everything a member can leave behind: a started quiz and its answer, a daily
    schedule, a chosen book, a check-in, a practice game, review items and a reminder, a
    message and a reaction."""
    book = bot.app.store.book.meta.id
    assert "Question 1" in await say(bot, "/quiz start 15 questions 2", moderator=True)
    assert "answer" in (await say(bot, "/answer A")).lower()
    assert "Daily quote" in await say(bot, "/daily set time 09:00", moderator=True)
    await say(bot, f"/book use {book}", moderator=True)
    assert "has read" in await say(bot, "/read 15")
    assert "Practice on" in await say(bot, "/quiz practice 15")
    await say(bot, "/practice answer A")
    await say(bot, "/review next")
    await say(bot, "/review remind on")
    await say(bot, "a message about chapter fifteen")
    react(bot)
    await recorder_of(bot).flush()


@asynccontextmanager
async def member_took_part(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleBot]:
    """The whole app, after the member took part in everything (and the search finds it)."""
    async with console_bot(tmp_path, clock) as bot:
        await take_part(bot)
        assert traces(tmp_path / "kruzhok.sqlite3")
        yield bot


async def test_an_opted_out_member_keeps_nothing_and_delete_leaves_no_trace(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with member_took_part(tmp_path, clock) as bot:
        assert "no longer recorded" in await say(bot, "/privacy optout")
        # Opted out: the quiz still runs (started by "someone" now); every path that would
        # keep the member's id or name is refused with a private note, or not counted.
        refused = ("/answer B", "/quiz practice 15", "/practice answer A", "/read 15", "/review")
        for line in refused:
            shown = await say(bot, line)
            assert "You opted out" in shown and "it was not run" in shown, line
        await say(bot, "still chatting")
        react(bot)
        await recorder_of(bot).flush()
        assert traces(db_file) == []
        assert "You opted out" in await say(bot, "/privacy show")

        assert "left no trace" in await say(bot, "/privacy delete confirm")
        await bot.say("/quiz stop", user="mod", moderator=True)
        await bot.say("another member talks on", user="bob")
        await recorder_of(bot).flush()
        board = await bot.say("/quiz leaderboard")
        assert MEMBER_NAME not in board
        assert traces(db_file) == []
        # The opt-out itself outlives the deletion (kept by digest): still honoured.
        assert "You opted out" in await say(bot, "/answer A")
    assert traces(db_file) == []


async def test_delete_without_opt_out_leaves_no_trace_of_a_running_quiz_answer(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with member_took_part(tmp_path, clock) as bot:
        await say(bot, "/privacy delete")  # the question alone leaves no trace either
        assert "left no trace" in await say(bot, "/privacy delete confirm")
        await recorder_of(bot).flush()
        assert traces(db_file) == []
        status = await bot.say("/quiz status", user="bob")
        assert "started by someone" in status and MEMBER_NAME not in status
        # Recording goes on from the member's next message, as the reply said.
        await say(bot, "back again")
        await recorder_of(bot).flush()
        assert traces(db_file) != []


@pytest.mark.parametrize("line", ["/answer A", "/read 15", "/quiz practice 15"])
async def test_opted_out_member_is_told_privately_why_nothing_happened(
    console: ConsoleBot, line: str
) -> None:
    await console.say("/quiz start 15 questions 1", user="mod", moderator=True)
    await console.say("/privacy optout", user="zed")
    shown = await console.say(line, user="zed")
    assert "You opted out (/privacy optout)" in shown
    assert "/privacy optin to take part again" in shown
    assert "zed" not in stored_text(console.app.config.database)
