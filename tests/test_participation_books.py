"""Plans, check-ins and per-chapter stats follow the book the group reads: a check-in for
chapter 1 of one book is not a check-in for chapter 1 of another, and history stays with
the book it was made with. The books feature is not there yet: the test chooses the
group's book through `store.choice`."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import FakeClock
from bot.core.refs import Place
from tests.harness import console_bot
from tests.participation_support import db_rows, recorder_of, write_book


def write_second_book(content: Path) -> None:
    book = content / "otherbook"
    (book / "chapters").mkdir(parents=True)
    (book / "book.yaml").write_text(
        "id: otherbook\ntitle: Another book\nauthor: Somebody\nlanguage: en\nsource: made up\n"
    )
    for n in (1, 2):
        (book / "chapters" / f"{n}.yaml").write_text(
            f"number: {n}\ntitle: Other {n}\nsummary: About other {n}.\n"
            f"key_points:\n  - Other point {n}.\ndiscussion:\n  - Discuss other {n}.\n"
        )


async def test_checkins_plans_and_stats_keep_their_book(tmp_path: Path, clock: FakeClock) -> None:
    content = write_book(tmp_path)
    write_second_book(content)
    db_file = tmp_path / "kruzhok.sqlite3"
    chosen: dict[str, str] = {}

    async def choice(place: Place) -> str | None:
        return chosen.get(place.group_id)

    async with console_bot(tmp_path, clock, content=str(content), book="testbook") as bot:
        bot.app.store.choice = choice
        await bot.say("/plan set 2", user="mod", moderator=True)
        assert "alice has read chapter 1: Chapter 1 title" in await bot.say("/read 1")
        await bot.say("a message under testbook")
        await recorder_of(bot).flush()

        chosen[bot.adapter.place.group_id] = "otherbook"
        assert "No reading plan is set" in await bot.say("/plan show")
        shown = await bot.say("/progress")
        assert "Chapters checked in: 0 of 2" in shown
        shown = await bot.say("/read 1")
        assert "alice has read chapter 1: Other 1." in shown  # not "already checked in"
        assert "There is no chapter 3. Chapters: 1, 2." in await bot.say(
            "/plan set 3", user="mod", moderator=True
        )
        await bot.say("/plan set 2", user="mod", moderator=True)
        await bot.say("a message under otherbook")
        shown = await bot.say("/stats")
        assert "Chapters checked in: 1 of 2 (chapter 1)" in shown
        assert "Check-ins per chapter: chapter 1: 1" in await bot.say("/stats group")

        del chosen[bot.adapter.place.group_id]  # back to the default book
        shown = await bot.say("/plan show")
        assert "The group reads chapter 2: Chapter 2 title" in shown
        shown = await bot.say("/progress")
        assert "Chapters checked in: 1 of 3 (chapter 1)" in shown
        assert "already checked in chapter 1: Chapter 1 title" in await bot.say("/read 1")
        shown = await bot.say("/privacy show")
        assert "Chapters checked in: 1 (otherbook); 1 (testbook)." in shown

    assert db_rows(db_file, "SELECT book_id, chapter FROM reading_checkins ORDER BY book_id") == [
        ("otherbook", 1),
        ("testbook", 1),
    ]
    assert db_rows(
        db_file, "SELECT book_id, chapter FROM reading_plans WHERE chapter IS NOT NULL ORDER BY id"
    ) == [("testbook", 2), ("otherbook", 2)]
    messages = db_rows(
        db_file,
        "SELECT book_id, chapter, SUM(messages) FROM activity_daily WHERE user_id = 'alice' "
        "GROUP BY book_id, chapter ORDER BY book_id, chapter",
    )
    assert ("testbook", 2, 1) in messages and ("otherbook", 2, 1) in messages
