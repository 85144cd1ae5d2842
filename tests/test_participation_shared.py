"""Two copies of the bot on one database: the reading plan and the opt-outs live in the
database, so what one copy sets counts in the other (at once for commands, from its next
write for the recorder)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.clock import FakeClock
from tests.harness import console_bot
from tests.participation_support import db_rows, recorder_of, write_book

BIG = {"flush_every": 100_000, "flush_seconds": 3600}


async def test_a_plan_set_in_one_copy_is_seen_by_the_other(
    tmp_path: Path, clock: FakeClock
) -> None:
    """plan show, summary's current chapter and the recorder's chapter follow a plan set
    through another copy; the recorder picks it up at its next write."""
    content = str(write_book(tmp_path))
    db_file = tmp_path / "kruzhok.sqlite3"
    async with (
        console_bot(tmp_path, clock, content=content, participation=BIG) as first,
        console_bot(tmp_path, clock, content=content, participation=BIG) as second,
    ):
        await second.say("before the plan", user="bob")
        await recorder_of(second).flush()
        assert "Chapter 1: Chapter 1 title" in await second.say("/summary")

        shown = await first.say("/plan set 2 due 2026-12-01", user="mod", moderator=True)
        assert "The group reads chapter 2" in shown

        shown = await second.say("/plan show")
        assert "The group reads chapter 2: Chapter 2 title, due 2026-12-01 (in 11 days)." in shown
        assert "Chapter 2: Chapter 2 title" in await second.say("/summary")
        await second.say("under the plan", user="bob")
        await recorder_of(second).flush()
        rows = db_rows(
            db_file,
            "SELECT book_id, chapter, messages FROM activity_daily WHERE user_id = 'bob' "
            "ORDER BY chapter",
        )
        assert rows == [("testbook", 0, 1), ("testbook", 2, 1)]

        assert "cleared" in await first.say("/plan clear", user="mod", moderator=True)
        assert "No reading plan is set" in await second.say("/plan show")
        assert "Chapter 1: Chapter 1 title" in await second.say("/summary")


async def test_an_optout_in_one_copy_stops_the_others_recording(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Events the other copy holds in its buffer, and those it takes afterwards, are not
    written; a check-in there is refused at once."""
    db_file = tmp_path / "kruzhok.sqlite3"
    async with (
        console_bot(tmp_path, clock, participation=BIG) as first,
        console_bot(tmp_path, clock, participation=BIG) as second,
    ):
        await second.say("written before", user="bob")
        await recorder_of(second).flush()
        await second.say("buffered in the second copy", user="bob")
        await second.say("alice stays", user="alice")

        assert "no longer recorded" in await first.say("/privacy optout", user="bob")
        assert db_rows(db_file, "SELECT * FROM activity_daily WHERE user_id = 'bob'") == []

        assert "opted out" in await second.say("/read 15", user="bob")
        assert "You opted out" in await second.say("/stats", user="bob")
        await recorder_of(second).flush()  # the buffered events are left out
        await second.say("after the opt-out", user="bob")  # dropped at the door
        assert recorder_of(second).buffered == 0
        assert "You opted out" in await second.say("/privacy show", user="bob")

        assert "Welcome back" in await second.say("/privacy optin", user="bob")
        await recorder_of(first).flush()  # nothing to write: the opt-outs are read again
        await first.say("recorded again", user="bob")
    for table in ("reading_checkins", "participation_optouts", "privacy_optouts"):
        assert db_rows(db_file, f"SELECT * FROM {table}") == [], table
    assert db_rows(
        db_file,
        "SELECT user_id, CAST(SUM(messages) AS INTEGER) FROM activity_daily "
        "GROUP BY user_id ORDER BY user_id",
    ) == [("alice", 1), ("bob", 1)]
    assert db_rows(db_file, "SELECT user_id, display_name FROM participants ORDER BY user_id") == [
        ("alice", "alice"),
        ("bob", "bob"),
    ]


async def test_counts_from_two_copies_writing_at_once_add_up_exactly(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Each copy writes its own batches of the same members' counts, interleaved and at
    once; the stored totals are the sum of both, not the last writer's."""
    db_file = tmp_path / "kruzhok.sqlite3"
    small = {"flush_every": 7, "flush_seconds": 3600}
    async with (
        console_bot(tmp_path, clock, participation=small) as first,
        console_bot(tmp_path, clock, participation=small) as second,
    ):
        said = [
            bot.say(f"message {n}", user=("alice", "bob", "carol")[n % 3])
            for n in range(120)
            for bot in (first, second)
        ]
        for chunk in range(0, len(said), 40):  # many batches, written while others arrive
            await asyncio.gather(*said[chunk : chunk + 40])
        await recorder_of(first).flush()
        await recorder_of(second).flush()
    totals = db_rows(
        db_file,
        "SELECT user_id, CAST(SUM(messages) AS INTEGER) FROM activity_daily "
        "GROUP BY user_id ORDER BY user_id",
    )
    assert totals == [("alice", 80), ("bob", 80), ("carol", 80)]
