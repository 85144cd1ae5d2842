"""Issue 10, a book per group, in process: two console groups on one database and one
library of two books, each reading its own book."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.core.clock import FakeClock
from bot.core.refs import Place
from tests.harness import ConsoleBot, console_bot
from tests.library_support import BAKERS, MOD, OPPOSITION, console, make_library


@asynccontextmanager
async def group(
    tmp_path: Path, clock: FakeClock, name: str, library: Path, **overrides: Any
) -> AsyncIterator[ConsoleBot]:
    """A whole app whose console stands in the group `name`; every such app of a test
    shares the one database under tmp_path (as two processes would)."""
    overrides.setdefault("book", OPPOSITION)
    async with console_bot(
        tmp_path, clock, content=str(library), console=console(name, tmp_path), **overrides
    ) as bot:
        yield bot


@asynccontextmanager
async def two_groups(
    tmp_path: Path, clock: FakeClock, library: Path | None = None
) -> AsyncIterator[tuple[ConsoleBot, ConsoleBot]]:
    library = library or make_library(tmp_path / "library")
    async with (
        group(tmp_path, clock, "north", library) as north,
        group(tmp_path, clock, "south", library) as south,
    ):
        yield north, south


async def test_book_list_names_every_book_with_title_author_chapters_and_marks(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, south):
        shown = await north.say("/book list")
        assert "The library" in shown
        assert (
            "bakers-cooperative: The Bakers' Cooperative of Saint-Ouen, by The Kruzhok tests "
            "(2 chapters)\n"
        ) in shown
        assert (
            "united-opposition: An untitled history of the struggle against Stalinism "
            "(chapter 15 only), by Unknown: the source text does not name its author "
            "(1 chapter) [this group's book, the default]"
        ) in shown
        await north.say(f"/book use {BAKERS}", **MOD)
        shown = await north.say("/book list")
        assert "(2 chapters) [this group's book]" in shown
        assert "(1 chapter) [the default]" in shown
        # the other group still reads the default
        assert "(1 chapter) [this group's book, the default]" in await south.say("/book list")


async def test_two_groups_each_see_their_own_book(tmp_path: Path, clock: FakeClock) -> None:
    async with two_groups(tmp_path, clock) as (north, south):
        chosen = await north.say(f"/book use {BAKERS}", **MOD)
        assert "This group now reads The Bakers' Cooperative of Saint-Ouen" in chosen

        summary = await north.say("/summary")
        assert "Chapter 1: The back room" in summary and "Saint-Ouen" in summary
        assert "Marguerite Lenoir" in await north.say("/quote")
        assert "A mill of our own" in await north.say("/quote 2")
        assert "== Glossary ==\ncooperative, sourdough\n" in await north.say("/glossary")
        assert "owned and run together" in await north.say("/glossary co-op")
        assert "No glossary entry for 'kulak'" in await north.say("/glossary kulak")
        assert "1. The back room" in await north.say("/chapters")
        assert "why did the bakers keep the mill" in await north.say("/discuss 2")
        assert "The Bakers' Cooperative of Saint-Ouen" in await north.say("/about")
        assert "There is no chapter 15. Chapters: 1, 2." in await north.say("/summary 15")

        summary = await south.say("/summary")
        assert "Chapter 15" in summary and "Zinoviev" in summary
        assert "peasant" in (await south.say("/glossary kulak")).lower()
        assert "No glossary entry for 'sourdough'" in await south.say("/glossary sourdough")
        assert "15. The United Opposition" in await south.say("/chapters")
        assert "There is no chapter 1. Chapters: 15." in await south.say("/summary 1")
        assert "(chapter 15)" in await south.say("/quote")


async def test_book_shows_the_group_book_and_whether_it_was_chosen(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, south):
        shown = await north.say("/book")
        assert "An untitled history of the struggle against Stalinism" in shown
        assert "id united-opposition" in shown
        assert "No book has been chosen for this group: it reads the default book." in shown
        await north.say(f"/book use {BAKERS}", **MOD)
        shown = await north.say("/book")
        assert shown.startswith("== The Bakers' Cooperative of Saint-Ouen ==")
        assert "id bakers-cooperative" in shown and "Chosen for this group on 2026-11-20." in shown
        assert "No book has been chosen" in await south.say("/book")


async def test_book_use_is_refused_to_members_and_stores_nothing(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, _):
        shown = await north.say(f"/book use {BAKERS}", user="bob")
        assert "Only moderators can use /book use." in shown
        assert await north.app.db.fetchval("SELECT COUNT(*) FROM group_books") == 0
        assert "Zinoviev" in await north.say("/summary")


async def test_book_use_of_an_unknown_id_lists_the_ids(tmp_path: Path, clock: FakeClock) -> None:
    async with two_groups(tmp_path, clock) as (north, _):
        shown = await north.say("/book use capital", **MOD)
        assert (
            "There is no book 'capital' in the library. Books: bakers-cooperative, "
            "united-opposition." in shown
        )
        assert "Usage: /book use id" in await north.say("/book use", **MOD)
        assert await north.app.db.fetchval("SELECT COUNT(*) FROM group_books") == 0


async def test_the_choice_is_stored_per_group_with_who_and_when(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, _):
        await north.say(f"/book use {BAKERS}", **MOD)
        rows = await north.app.db.fetch(
            "SELECT platform, group_id, book_id, chosen_by, chosen_at FROM group_books"
        )
        assert [tuple(r) for r in rows] == [
            ("console", "north", BAKERS, "mod", "2026-11-20T12:00:00+00:00")
        ]
        await north.say(f"/book use {OPPOSITION}", user="ann", moderator=True)
        rows = await north.app.db.fetch("SELECT book_id, chosen_by FROM group_books")
        assert [tuple(r) for r in rows] == [(OPPOSITION, "ann")]


async def test_a_choice_made_in_one_process_shows_in_the_other_at_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Two apps on one database standing in one group: no process keeps its own answer."""
    library = make_library(tmp_path / "library")
    async with (
        group(tmp_path, clock, "north", library) as first,
        group(tmp_path, clock, "north", library) as second,
    ):
        assert "Zinoviev" in await second.say("/summary")
        await first.say(f"/book use {BAKERS}", **MOD)
        assert "Saint-Ouen" in await second.say("/summary")
        await second.say(f"/book use {OPPOSITION}", **MOD)
        assert "Zinoviev" in await first.say("/summary")


async def test_switching_changes_what_the_group_sees_and_keeps_its_history(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, _):
        started = await north.say("/quiz start 15 questions 1", **MOD)
        assert "Question 1 of 1" in started
        await north.say("/answer A", user="alice")
        await north.say("/quiz stop", **MOD)
        await north.say("I liked this chapter", user="alice")
        before = await north.say("/quiz leaderboard")
        assert "alice:" in before and "of 1 right" in before

        await north.say(f"/book use {BAKERS}", **MOD)
        assert "Saint-Ouen" in await north.say("/summary")
        assert await north.say("/quiz leaderboard") == before
        await north.say(f"/book use {OPPOSITION}", **MOD)
        assert "Zinoviev" in await north.say("/summary")
        assert await north.say("/quiz leaderboard") == before


async def test_without_a_configured_book_the_first_folder_is_the_default(
    tmp_path: Path, clock: FakeClock
) -> None:
    library = make_library(tmp_path / "library")
    async with group(tmp_path, clock, "north", library, book=None) as north:
        assert "Saint-Ouen" in await north.say("/summary")
        assert "(2 chapters) [this group's book, the default]" in await north.say("/book list")


async def test_a_book_gone_on_reload_falls_back_to_the_default_and_book_says_so(
    tmp_path: Path, clock: FakeClock
) -> None:
    library = make_library(tmp_path / "library")
    async with two_groups(tmp_path, clock, library) as (north, south):
        await north.say(f"/book use {BAKERS}", **MOD)
        (library / BAKERS).unlink()
        shown = await north.say("/reload", **MOD)
        assert "Content reloaded: 1 book(s)." in shown
        assert "united-opposition: 1 chapter(s)" in shown
        assert "This group's book 'bakers-cooperative' is no longer in the library" in shown
        shown = await north.say("/book")
        assert (
            "The book 'bakers-cooperative' chosen for this group is no longer in the library: "
            "the group reads the default book until a moderator chooses another." in shown
        )
        assert "Zinoviev" in await north.say("/summary")
        # the other process has not reloaded: it keeps its library until it does
        assert "bakers-cooperative: " in await south.say("/book list")
        assert "No book has been chosen" in await south.say("/book")


async def test_a_book_gone_at_restart_falls_back_to_the_default_and_book_says_so(
    tmp_path: Path, clock: FakeClock
) -> None:
    library = make_library(tmp_path / "library")
    async with group(tmp_path, clock, "north", library) as north:
        await north.say(f"/book use {BAKERS}", **MOD)
    (library / BAKERS).unlink()
    async with group(tmp_path, clock, "north", library) as north:
        assert "Zinoviev" in await north.say("/summary")
        assert "'bakers-cooperative' chosen for this group is no longer" in await north.say("/book")
        assert "[this group's book, the default]" in await north.say("/book list")
        # the book comes back: the group reads it again, its choice was kept
        (library / BAKERS).symlink_to(
            Path(__file__).parent / "library_content" / BAKERS, target_is_directory=True
        )
        assert "Content reloaded: 2 book(s)." in await north.say("/reload", **MOD)
        assert "Saint-Ouen" in await north.say("/summary")


async def test_reload_keeps_the_whole_old_library_when_any_book_has_errors(
    tmp_path: Path, clock: FakeClock
) -> None:
    library = make_library(tmp_path / "library", copy=(BAKERS,))
    chapter = library / BAKERS / "chapters" / "2.yaml"
    async with two_groups(tmp_path, clock, library) as (north, south):
        await north.say(f"/book use {BAKERS}", **MOD)
        chapter.write_text(chapter.read_text().replace("number: 2", "number: two"))
        # a problem in the bakers' book: refused in the group reading it and in the
        # group reading the other book alike
        for bot in (north, south):
            shown = await bot.say("/reload", **MOD)
            assert "Content not reloaded" in shown and "the old content stays" in shown
            assert f"{BAKERS}/chapters/2.yaml:1: number:" in shown
        assert "2. The mill on the canal" in await north.say("/chapters")
        assert "Zinoviev" in await south.say("/summary")

        chapter.write_text(
            chapter.read_text()
            .replace("number: two", "number: 2")
            .replace('"The mill on the canal"', '"The new mill"')
        )
        assert "Content reloaded: 2 book(s)." in await north.say("/reload", **MOD)
        assert "2. The new mill" in await north.say("/chapters")


async def test_autocomplete_offers_the_group_books_chapters_terms_and_book_ids(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, south):
        await north.say(f"/book use {BAKERS}", **MOD)
        engine = north.app.engine
        here = north.adapter.place
        assert here == Place("console", "north", "general")
        assert [s.value for s in await engine.suggest("chapter", here, "")] == [1, 2]
        assert [s.value for s in await engine.suggest("term", here, "")] == [
            "cooperative",
            "sourdough",
        ]
        there = south.adapter.place
        assert [s.value for s in await engine.suggest("chapter", there, "")] == [15]
        assert "kulak" in [s.value for s in await engine.suggest("term", there, "")]
        assert [s.value for s in await engine.suggest("book", here, "bak")] == [BAKERS]


async def test_privacy_names_who_chose_a_book_and_delete_keeps_the_groups_book(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, south):
        await north.say(f"/book use {BAKERS}", **MOD)
        await south.say(f"/book use {BAKERS}", **MOD)
        shown = await north.say("/privacy show", **MOD)
        assert "Books: you are named as who chose the book of 2 group(s)." in shown
        await north.say("/privacy delete confirm", **MOD)
        assert "Books:" not in await north.say("/privacy show", **MOD)
        rows = await north.app.db.fetch("SELECT book_id, chosen_by FROM group_books")
        assert [tuple(r) for r in rows] == [(BAKERS, None), (BAKERS, None)]
        assert "Saint-Ouen" in await north.say("/summary")


async def test_help_lists_the_book_commands_and_explains_them(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with two_groups(tmp_path, clock) as (north, _):
        shown = await north.say("/help")
        assert "/book show - The book this group reads\n" in shown
        assert "/book list - List the books in the library\n" in shown
        assert "/book use" not in shown  # moderators only
        shown = await north.say("/help book", **MOD)
        assert "/book show\n  The book this group reads" in shown
        assert "/book use id\n  Choose the book this group reads" in shown
