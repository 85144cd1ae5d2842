"""Issue 10 on real processes: console processes standing in two groups, on one database
and one library, each group reading its own book; a choice made in one process is what
another process of that group reads next."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.console_process import ConsoleProcess, start_console
from tests.library_support import BAKERS, OPPOSITION, make_library, write_config


@asynccontextmanager
async def processes(
    tmp_path: Path, *who: tuple[str, str, bool]
) -> AsyncIterator[list[ConsoleProcess]]:
    """One console process for each (group, user, moderator), all on one database and one
    library; each must end with exit code 0 and no traceback."""
    library = make_library(tmp_path / "library")
    database = tmp_path / "kruzhok.sqlite3"
    started: list[ConsoleProcess] = []
    try:
        for group, user, moderator in who:
            config = write_config(
                tmp_path / f"{group}.yaml", database, library, group, book=OPPOSITION
            )
            started.append(await start_console(config, user, moderator))
        yield started
        for proc in started:
            assert await proc.quit() == 0
            assert "Traceback" not in proc.stderr
    finally:
        for proc in started:
            await proc.kill()


async def test_two_console_groups_in_two_processes_read_their_own_books(
    tmp_path: Path,
) -> None:
    async with processes(
        tmp_path, ("north", "nora", True), ("south", "sam", True), ("south", "bob", False)
    ) as (north, south, south_member):
        refused = await south_member.say(f"/book use {BAKERS}")
        assert "Only moderators can use /book use." in refused
        chosen = await south.say(f"/book use {BAKERS}")
        assert "This group now reads The Bakers' Cooperative of Saint-Ouen" in chosen

        # another process of the south group reads the choice at once
        assert "Chapter 1: The back room" in await south_member.say("/summary")
        assert "Marguerite Lenoir" in await south_member.say("/quote")
        assert "owned and run together" in await south_member.say("/glossary cooperative")
        assert "[this group's book]" in await south_member.say("/book list")

        summary = await north.say("/summary")
        assert "Chapter 15: The United Opposition" in summary and "Zinoviev" in summary
        assert "(chapter 15)" in await north.say("/quote")
        assert "peasant" in (await north.say("/glossary kulak")).lower()
        assert "No book has been chosen for this group" in await north.say("/book")
        assert "No glossary entry for 'kulak'" in await south.say("/glossary kulak")


# The questions of the bakers' book (tests/library_content): no other book has them.
BAKERS_QUESTIONS = (
    "How many bakers joined the cooperative on the first night?",
    "Did the bakers' cooperative own a mill on the canal by the autumn?",
)


async def test_each_group_quizzes_and_gets_daily_quotes_from_its_own_book(
    tmp_path: Path,
) -> None:
    async with processes(tmp_path, ("north", "nora", True), ("south", "sam", True)) as (
        north,
        south,
    ):
        assert "This group now reads" in await south.say(f"/book use {BAKERS}")

        started = await south.say("/quiz start questions 2")
        assert "Question 1 of 2" in started
        second = await south.say("/quiz next")
        assert "Question 2 of 2" in second
        # the bakers' book has exactly these two questions: both were asked
        assert all(q in started + second for q in BAKERS_QUESTIONS), started + second
        assert "Quiz finished" in await south.say("/quiz next")

        started = await north.say("/quiz start 15 questions 2")
        assert "Question 1 of 2 (chapter 15)" in started
        assert not any(q in started for q in BAKERS_QUESTIONS)
        await north.say("/quiz stop")

        south_quote = await south.say("/daily now")
        assert "Quote of the day" in south_quote and "Marguerite Lenoir" in south_quote
        north_quote = await north.say("/daily now")
        assert "Quote of the day" in north_quote and "(chapter 15" in north_quote
        assert "Marguerite Lenoir" not in north_quote
