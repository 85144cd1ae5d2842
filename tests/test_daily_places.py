"""Daily schedules belong to typed places and follow the book their group reads."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from bot.core.refs import Place
from bot.features.daily.feature import DailyFeature
from tests.daily_support import PLATFORM, advance, attach_poster, schedule
from tests.harness import SHIPPED_CONTENT, ConsoleBot, console_bot

SECOND_BOOK = Path(__file__).resolve().parent / "daily_books" / "second-book"
SECOND_QUOTES = ("The first quote of the second book.", "The last quote of the second book.")


def library(tmp_path: Path) -> Path:
    """Content with two books: the shipped one (the default) and the tiny second one."""
    root = tmp_path / "library"
    shutil.copytree(SHIPPED_CONTENT / "united-opposition", root / "united-opposition")
    shutil.copytree(SECOND_BOOK, root / "second-book")
    return root


def two_books(tmp_path: Path) -> dict[str, str]:
    """Config overrides: the two-book library, the shipped book the default."""
    return {"content": str(library(tmp_path)), "book": "united-opposition"}


def reads(bot: ConsoleBot, choices: dict[str, str] | None = None) -> dict[str, str]:
    """Point groups at books, as the books feature will (group id -> book id); returns
    the mapping, which the test may change."""
    choices = {} if choices is None else choices

    async def choice(place: Place) -> str | None:
        return choices.get(place.group_id)

    bot.app.store.choice = choice
    return choices


async def test_a_thread_and_its_parent_channel_are_two_schedules(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        poster = attach_poster(bot, clock)
        service = bot.app.feature("daily", DailyFeature).service
        channel = Place(PLATFORM, "group", "room")
        thread = Place(PLATFORM, "group", "room", "thread-1")
        await schedule(bot, channel, "13:00")
        await schedule(bot, thread, "14:00")
        in_channel, in_thread = await service.get(channel), await service.get(thread)
        assert in_channel is not None and in_thread is not None
        assert in_channel.id != in_thread.id
        assert (in_channel.place, in_channel.settings.local_time) == (channel, "13:00")
        assert (in_thread.place, in_thread.settings.local_time) == (thread, "14:00")
        await advance(bot, clock, timedelta(hours=2))
        assert len(poster.sent) == 2
        repo = await service.repo()
        assert [p["status"] for p in await repo.posts(channel)] == ["posted"]
        assert [p["status"] for p in await repo.posts(thread)] == ["posted"]
        # Turning the thread's off leaves the channel's on.
        assert await service.turn_off(thread, "mod")
        after = await service.get(channel)
        assert after is not None and after.enabled
        # The same place in another group is a third schedule.
        await schedule(bot, Place(PLATFORM, "other-group", "room"), "13:00")
        rows = await bot.app.db.fetchval("SELECT COUNT(*) FROM daily_schedules")
        assert rows == 3


async def test_each_group_gets_quotes_from_the_book_it_reads(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, **two_books(tmp_path)) as bot:
        reads(bot, {"second": "second-book"})
        poster = attach_poster(bot, clock)
        service = bot.app.feature("daily", DailyFeature).service
        first, second = Place(PLATFORM, "first", "room"), Place(PLATFORM, "second", "room")
        await schedule(bot, first, "13:00")
        await schedule(bot, second, "13:00")
        await advance(bot, clock, timedelta(hours=1))
        await advance(bot, clock, timedelta(days=1))
        rows = {p: await service.get(p) for p in (first, second)}
        assert rows[first] is not None and rows[first].book_id == "united-opposition"
        assert rows[second] is not None and rows[second].book_id == "second-book"
        assert rows[second].seen == {"second-first", "second-last"}
        second_posts = [s.text for s in poster.sent if any(q in s.text for q in SECOND_QUOTES)]
        assert len(second_posts) == 2 and len(poster.sent) == 4  # the others: the first book
        # `daily now` takes from the group's book too.
        shown = "\n".join(r.text for r in await service.post_now(second, "mod"))
        assert any(q in shown for q in SECOND_QUOTES)


async def test_a_new_book_starts_a_new_cycle_and_a_chapter_it_lacks_is_a_clear_failure(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, **two_books(tmp_path)) as bot:
        choices = reads(bot)
        poster = attach_poster(bot, clock)
        service = bot.app.feature("daily", DailyFeature).service
        room = Place(PLATFORM, "group", "room")
        await schedule(bot, room, "13:00")
        await advance(bot, clock, timedelta(hours=1))
        before = await service.get(room)
        assert before is not None and before.book_id == "united-opposition"
        assert len(before.seen) == 1
        choices["group"] = "second-book"
        await advance(bot, clock, timedelta(days=1))
        after = await service.get(room)
        assert after is not None and after.book_id == "second-book"
        assert len(after.seen) == 1 and after.seen <= {"second-first", "second-last"}
        assert any(q in poster.sent[-1].text for q in SECOND_QUOTES)
        # Back to the first book, with chapter 15 set there: the second book has no chapter
        # 15, so when the group moves to it again the day fails, said in status, no crash.
        choices.pop("group")
        await schedule(bot, room, "13:00", chapter="15")
        status = await service.status(room)
        assert status.problem is None and status.seen == 0  # a new cycle of the first book
        choices["group"] = "second-book"
        status = await service.status(room)
        assert status.problem is not None and "chapter 15" in status.problem
        sent = len(poster.sent)
        await advance(bot, clock, timedelta(days=1))
        assert len(poster.sent) == sent
        row = await service.get(room)
        assert row is not None and row.enabled and row.last_error is not None
        assert "chapter 15" in row.last_error and "'second-book'" in row.last_error
        repo = await service.repo()
        assert (await repo.posts(room))[-1]["status"] == "failed"


async def test_status_and_set_say_when_the_groups_book_lacks_the_chapter(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, **two_books(tmp_path)) as bot:
        choices = reads(bot)
        await bot.say("/daily set time 13:00 timezone UTC chapter 15", moderator=True)
        group = await bot.app.db.fetchval("SELECT group_id FROM daily_schedules")
        choices[group] = "second-book"
        shown = await bot.say("/daily status")
        assert "Problem: the setting names chapter 15, which the book 'second-book'" in shown
        shown = await bot.say("/daily set time 14:00", moderator=True)
        assert "Every day at 14:00" in shown and "But: the setting names chapter 15" in shown
        shown = await bot.say("/daily now", moderator=True)
        assert "No quote to post: the setting names chapter 15" in shown
        shown = await bot.say("/daily set chapter 15", moderator=True)
        assert "There is no chapter 15. Chapters: 1." in shown


async def test_status_names_the_book_the_quotes_come_from(tmp_path: Path, clock: FakeClock) -> None:
    async with console_bot(tmp_path, clock, **two_books(tmp_path)) as bot:
        await bot.say("/daily set time 13:00 timezone UTC chapter all", moderator=True)
        assert "Book: An untitled history" in await bot.say("/daily status")
        group = await bot.app.db.fetchval("SELECT group_id FROM daily_schedules")
        reads(bot, {group: "second-book"})
        shown = await bot.say("/daily status")
        assert "Book: A second book for the daily tests (second-book)" in shown
        assert "Cycle: 0 of 2 quotes" in shown
