"""Chapter discussions on the console, end to end: `chapter open` prints a heading with the
summary, the prompts and a numbered progress poll; a vote for the finished chapter checks
the member in; `agenda`, `agenda post`, `recap`, `poll` with its results when it ends;
every bad input refused with a clear message and nothing stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.clock import FakeClock
from bot.core.refs import Caller
from bot.core.threads import Vote, VoteMode
from bot.features.chapters.feature import ChaptersFeature
from tests.harness import START, ConsoleBot, console_bot

MOD: dict[str, Any] = {"user": "mod", "moderator": True}


async def advance(bot: ConsoleBot, clock: FakeClock, delta: timedelta) -> None:
    """Move the test clock and let the polls due by then end."""
    await clock.advance(delta)
    await bot.app.feature("chapters", ChaptersFeature).service.polls.wait_idle()


async def rows(bot: ConsoleBot, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await bot.app.db.fetch(sql)]


async def test_chapter_open_prints_a_heading_summary_prompts_and_a_numbered_poll(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        shown = await bot.say("/chapter open 15", **MOD)
        assert "Chapter 15 is open for discussion" in shown
        posted = bot.posted()
        assert "=== Chapter 15: The United Opposition, 1926-27 ===" in posted
        assert "In 1926 Zinoviev and Kamenev" in posted  # the short summary
        assert "1. The 1926 bloc set out" in posted  # the prompts, numbered
        assert "Poll: How far are you in chapter 15?" in posted
        assert "  1. Finished chapter 15" in posted and "  4. Not started yet" in posted
        # Opening twice links the thread there is; no second heading.
        again = await bot.say("/chapter open 15", **MOD)
        assert "Chapter 15 already has its thread: #general" in again
        assert bot.posted() == ""
        assert await rows(bot, "SELECT chapter FROM chapter_threads") == [(15,)]


async def test_a_vote_for_the_finished_chapter_checks_the_member_in(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/chapter open 15", **MOD)
        assert "Your vote: Finished chapter 15." in await bot.say("/vote 1", user="bob")
        assert "Your vote: Less than half." in await bot.say("/vote 3", user="cat")
        progress = await bot.say("/progress", user="bob")
        assert "15" in progress.split("Chapters checked in:")[1]
        assert "Choose an option from 1 to 4." in await bot.say("/vote 9", user="bob")
        checked = await rows(bot, "SELECT user_id, chapter FROM reading_checkins")
        assert checked == [("bob", 15)]


async def test_agenda_is_private_and_agenda_post_shows_it_to_all(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        shown = await bot.say("/agenda 15", **MOD)
        assert shown.startswith("[only you see this] == Meeting plan: Chapter 15")
        assert "Summary: In 1926 Zinoviev and Kamenev" in shown
        prompts = shown.split("Discussion prompts: ")[1].split("Quotes:")[0]
        assert [line[:2] for line in prompts.strip().splitlines()] == ["1.", "2.", "3."]
        quotes = shown.split("Quotes: ")[1].split("Warm-up:")[0].strip().splitlines()
        assert len(quotes) == 2 and all(q.startswith('"') for q in quotes)
        assert "Warm-up: A 5-question quiz: /quiz start 15 questions 5" in shown
        # The warm-up line is one command that starts a five-question quiz.
        started = await bot.say("/quiz start 15 questions 5", **MOD)
        assert "1/5" in started or "of 5" in started
        posted = await bot.say("/agenda post 15", **MOD)
        assert not posted.startswith("[only you see this]")
        assert "== Meeting plan: Chapter 15" in posted
        assert "Only moderators can use /agenda." in await bot.say("/agenda 15", user="bob")


async def test_recap_counts_messages_votes_checkins_and_quiz_answers_never_text(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("I said this before the chapter opened", user="zed")
        await bot.say("/chapter open 15", **MOD)
        await bot.say("A secret sentence nobody keeps", user="bob")
        await bot.say("Another thought", user="bob")
        await bot.say("Me too", user="cat")
        await bot.say("/vote 1", user="bob")
        await bot.say("/vote 2", user="dan")
        bot.posted()
        recap = await bot.say("/recap", **MOD)  # the plan has no chapter: 15 is named below
        assert "Which chapter?" in recap
        recap = await bot.say("/recap 15", **MOD)
        assert "== Recap: Chapter 15: The United Opposition, 1926-27 ==" in recap
        assert "Took part: 3 members" in recap  # bob, cat, dan; not zed
        assert "Messages: 3" in recap
        assert "Check-ins: 1 checked in chapter 15" in recap
        assert "Finished chapter 15: 1 vote (50%)" in recap
        assert "More than half: 1 vote (50%)" in recap
        assert "Quiz: no quiz answers" in recap
        assert "secret" not in recap
        kept = await rows(bot, "SELECT user_id, messages FROM chapter_members ORDER BY user_id")
        assert kept == [("bob", 2), ("cat", 1)]


async def test_poll_posts_numbered_options_and_its_results_when_it_ends(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        shown = await bot.say("/poll Next book? | My Life | Memoirs | The Case", **MOD)
        assert "ends in 24 hours" in shown
        posted = bot.posted()
        assert "Poll: Next book?\n  1. My Life\n  2. Memoirs\n  3. The Case" in posted
        await bot.say("/vote 2", user="bob")
        await bot.say("/vote 2", user="cat")
        await bot.say("/vote 1", user="cat")  # a changed vote: the latest counts
        await advance(bot, clock, timedelta(hours=23))
        assert bot.posted() == ""
        await advance(bot, clock, timedelta(hours=1))
        results = bot.posted()
        assert "== Poll results: Next book? ==" in results
        assert (
            "My Life: 1 vote (50%)\nMemoirs: 1 vote (50%)\nThe Case: 0 votes (0%)\n2 members voted"
            in results
        )
        assert "There is no open poll here." in await bot.say("/vote 1", user="dan")


async def test_a_poll_ends_after_a_restart_and_poll_end_ends_it_early(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/poll Meet on? | Monday | Friday", **MOD)
        await bot.say("/vote 2", user="bob")
    await clock.advance(timedelta(hours=30))
    async with console_bot(tmp_path, clock) as bot:
        await advance(bot, clock, timedelta(0))
        assert "Friday: 1 vote (100%)" in bot.posted()
        await bot.say("/poll Again? | Yes | No", **MOD)
        bot.posted()
        assert "Only moderators can use /poll end." in await bot.say("/poll end", user="bob")
        assert "ended" in await bot.say("/poll end", **MOD)
        assert "== Poll results: Again? ==" in bot.posted()


async def test_bad_input_gets_a_clear_message_and_nothing_is_stored(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        assert "Only moderators can use /chapter open." in await bot.say("/chapter open 15")
        assert "Only moderators can use /poll." in await bot.say("/poll A? | B | C")
        assert "Only moderators can use /recap." in await bot.say("/recap 15")
        assert "There is no chapter 99. Chapters: 15." in await bot.say("/chapter open 99", **MOD)
        assert "Which chapter?" in await bot.say("/chapter open", **MOD)
        assert "`chapter`: expected a whole number" in await bot.say("/chapter open xv", **MOD)
        assert "Chapter 15 has no thread" in await bot.say("/chapter close 15", **MOD)
        assert "Chapter 15 has no thread to recap" in await bot.say("/recap 15", **MOD)
        assert "a poll needs at least two options" in await bot.say("/poll Only one? | Yes", **MOD)
        assert "the question is empty" in await bot.say("/poll | A | B", **MOD)
        assert "option 2 is empty" in await bot.say("/poll Q? | A | | B", **MOD)
        assert "two options are the same" in await bot.say("/poll Q? | Yes | yes", **MOD)
        long = "x" * 56
        assert "option 1 is 56 characters; at most 55" in await bot.say(
            f"/poll Q? | {long} | B", **MOD
        )
        eleven = " | ".join(str(i) for i in range(11))
        assert "11 options; at most 10" in await bot.say(f"/poll Q? | {eleven}", **MOD)
        assert "`poll` is required" in await bot.say("/poll", **MOD)
        assert "There is no open poll here." in await bot.say("/vote 1", user="bob")
        assert bot.posted() == ""
        for table in ("chapter_threads", "chapter_polls", "chapter_poll_votes", "chapter_members"):
            assert await rows(bot, f"SELECT * FROM {table}") == []


async def test_chapter_close_ends_the_poll_and_the_thread_stays_linked_after_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/plan set 15", **MOD)
        assert "already has its thread" in await bot.say("/chapter open", **MOD)  # the plan's
        await bot.say("/vote 1", user="bob")
    async with console_bot(tmp_path, clock) as bot:
        assert "already has its thread" in await bot.say("/chapter open 15", **MOD)
        closed = await bot.say("/chapter close", **MOD)
        assert "Chapter 15's thread is closed here" in closed
        posted = bot.posted()
        assert "== Poll results: How far are you in chapter 15? ==" in posted
        assert "Finished chapter 15: 1 vote (100%)" in posted
        assert "already closed" in await bot.say("/chapter close 15", **MOD)
        assert "already has its thread (closed)" in await bot.say("/chapter open 15", **MOD)


async def test_plan_set_opens_the_chapters_thread_once_unless_configured_not_to(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        shown = await bot.say("/plan set 15 due 2026-12-01", **MOD)
        assert "The group reads chapter 15" in shown
        assert "Chapter 15 is open for discussion" in shown
        assert "=== Chapter 15: The United Opposition, 1926-27 ===" in bot.posted()
        shown = await bot.say("/plan set 15 due 2026-12-08", **MOD)
        assert "open for discussion" not in shown and bot.posted() == ""
    async with console_bot(tmp_path / "off", clock, chapters={"open_with_plan": False}) as bot:
        shown = await bot.say("/plan set 15", **MOD)
        assert "open for discussion" not in shown and bot.posted() == ""
        assert await rows(bot, "SELECT * FROM chapter_threads") == []


async def test_recap_counts_quiz_answers_on_the_chapter_and_privacy_covers_the_counts(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/chapter open 15", **MOD)
        await bot.say("Hello", user="bob")
        await bot.say("/vote 2", user="bob")
        await bot.say("/quiz start 15 truefalse questions 1", **MOD)
        await bot.say("/answer true", user="bob")
        await bot.say("/answer false", user="cat")
        await bot.say("/quiz stop", **MOD)
        recap = await bot.say("/recap 15", **MOD)
        assert "Quiz: 2 answers, 1 right (50%)" in recap
        shown = await bot.say("/privacy show", user="bob")
        assert "Counts of your messages and quiz answers in 1 chapter thread(s)" in shown
        assert "your votes in 1 poll(s)" in shown
        await bot.say("/privacy delete confirm", user="bob")
        assert await rows(bot, "SELECT * FROM chapter_members WHERE user_id = 'bob'") == []
        assert await rows(bot, "SELECT * FROM chapter_poll_votes WHERE user_id = 'bob'") == []
        assert "Counts of your messages" not in await bot.say("/privacy show", user="bob")


async def test_a_platform_vote_replaces_the_members_choice_and_a_bad_option_spoils_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Votes heard by an adapter (here pushed as the core's Vote): the latest replaces the
    earlier, only the first of several counts, an unknown option spoils the vote, a
    removal takes one back, and votes after the end are ignored."""
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/poll Meet on? | Monday | Friday | Sunday", **MOD)
        ((poll_id,),) = await rows(bot, "SELECT poll_id FROM chapter_polls")
        place = bot.adapter.place
        threads = bot.app.engine.threads

        async def vote(user: str, options: tuple[int, ...], mode: VoteMode) -> None:
            await threads.vote(Vote(place, Caller(user, user), poll_id, options, mode, START))

        async def votes() -> list[tuple[Any, ...]]:
            return await rows(bot, "SELECT user_id, choice FROM chapter_poll_votes ORDER BY 1, 2")

        await vote("bob", (0,), VoteMode.REPLACE)
        await vote("bob", (2, 1), VoteMode.REPLACE)
        await vote("cat", (1,), VoteMode.ADD)
        assert await votes() == [("bob", 2), ("cat", 1)]
        await vote("bob", (1, 7), VoteMode.REPLACE)
        await vote("cat", (1,), VoteMode.REMOVE)
        assert await votes() == []
        await bot.say("/poll end", **MOD)
        await vote("dan", (0,), VoteMode.REPLACE)
        assert await votes() == []


async def test_an_opted_out_members_votes_and_check_ins_are_not_kept(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock) as bot:
        await bot.say("/chapter open 15", **MOD)
        await bot.say("/privacy optout", user="bob")
        refused = await bot.say("/vote 1", user="bob")
        assert "You opted out" in refused
        ((poll_id,),) = await rows(bot, "SELECT poll_id FROM chapter_polls")
        vote = Vote(bot.adapter.place, Caller("bob", "bob"), poll_id, (0,), VoteMode.ADD, START)
        await bot.app.engine.threads.vote(vote)  # as a platform's poll would send it
        await bot.say("A message in the thread", user="bob")
        assert await rows(bot, "SELECT * FROM chapter_poll_votes") == []
        assert await rows(bot, "SELECT * FROM reading_checkins") == []
        assert "Took part: 0 members" in await bot.say("/recap 15", **MOD)
