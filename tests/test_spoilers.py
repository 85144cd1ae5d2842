"""The spoiler shield end to end on the console (issue 17), with a three-chapter book:
what past the line is hidden, what `spoil` sends privately, and what quizzes and daily
quotes never ask or post."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.daily_support import advance, settled
from tests.harness import ROOT, ConsoleBot, console_bot

SPOILER_CONTENT = ROOT / "tests" / "spoiler_content"

# Words only each chapter's summary, quote, prompt and glossary entry have.
SUMMARY = {
    1: "arrives at the North Light",
    2: "fails during the herring season",
    3: "saves the drowning crew",
}
QUOTE = {
    1: "never once gone dark",
    2: "sail blind is no keeper",
    3: "The storm took the Marta",
}
QUESTION = {
    "Who is the new keeper": 1,
    "Does Anna Holm arrive": 1,
    "In which season does the lamp fail": 2,
    "Which ship founders": 3,
}


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleBot]:
    async with console_bot(tmp_path, clock, content=str(SPOILER_CONTENT)) as console:
        yield console


async def shield(bot: ConsoleBot, mode: str) -> None:
    shown = await bot.say(f"/spoilers set {mode}", user="mod", moderator=True)
    assert f"Spoiler shield set to {mode}" in shown


def chapters_asked(shown: str) -> set[int]:
    return {n for start, n in QUESTION.items() if start in shown}


async def test_with_member_a_member_at_chapter_1_gets_neither_chapter_2_nor_a_chapter_3_quote(
    bot: ConsoleBot,
) -> None:
    await shield(bot, "member")
    assert "checked in" in (await bot.say("/read 1", user="bob")).lower()

    shown = await bot.say("/summary 2", user="bob")
    assert SUMMARY[2] not in shown and "failing lamp" not in shown
    assert (
        "[hidden: chapter 2 is past the spoiler line (your check-in: chapter 1); "
        "/summary 2 spoil shows it to you privately]"
    ) in shown
    assert "[only you see this]" not in shown

    shown = await bot.say("/quote storm", user="bob")
    assert QUOTE[3] not in shown and "Anna Holm" not in shown
    assert "[hidden: chapter 3 is past the spoiler line (your check-in: chapter 1); " in shown
    assert "/quote storm spoil shows it to you privately]" in shown

    # A search that finds quotes on both sides of the line shows one within it.
    for _ in range(5):
        shown = await bot.say("/quote keeper", user="bob")
        assert QUOTE[2] not in shown and "[hidden" in shown  # only chapter 2 has "keeper"


async def test_spoil_shows_what_is_past_the_line_privately(bot: ConsoleBot) -> None:
    await shield(bot, "member")
    await bot.say("/read 1", user="bob")
    shown = await bot.say("/summary 2 spoil", user="bob")
    assert shown.startswith("[only you see this]")
    assert SUMMARY[2] in shown and "[hidden" not in shown
    shown = await bot.say("/summary 3 long spoil", user="bob")
    assert shown.startswith("[only you see this]") and "Anna Holm rescues her crew." in shown
    shown = await bot.say("/quote storm spoil", user="bob")
    assert shown.startswith("[only you see this]") and QUOTE[3] in shown
    shown = await bot.say("/glossary founder spoil", user="bob")
    assert shown.startswith("[only you see this]") and "as the Marta does" in shown
    shown = await bot.say("/discuss 3 spoil", user="bob")
    assert shown.startswith("[only you see this]") and "row out into the storm" in shown


async def test_read_moves_the_members_own_line_and_others_keep_theirs(bot: ConsoleBot) -> None:
    await shield(bot, "member")
    await bot.say("/read 1", user="bob")
    await bot.say("/read 2", user="bob")
    shown = await bot.say("/summary 2", user="bob")
    assert SUMMARY[2] in shown and "[hidden" not in shown
    assert "[hidden: chapter 3 is past the spoiler line (your check-in: chapter 2)" in (
        await bot.say("/summary 3", user="bob")
    )
    # Carol has no check-in and there is no plan: nothing to draw a line from.
    assert SUMMARY[3] in await bot.say("/summary 3", user="carol")
    # With a plan, her line is the plan's chapter.
    await bot.say("/plan set 1", user="mod", moderator=True)
    shown = await bot.say("/summary 2", user="carol")
    assert SUMMARY[2] not in shown
    assert "past the spoiler line (the plan's chapter: chapter 1)" in shown
    assert SUMMARY[2] in await bot.say("/summary 2", user="bob")


async def test_with_plan_everything_past_the_plans_chapter_is_hidden_for_everyone(
    bot: ConsoleBot,
) -> None:
    await shield(bot, "plan")
    await bot.say("/plan set 2", user="mod", moderator=True)
    await bot.say("/read 3", user="bob")  # a member's own position does not count here
    for user in ("bob", "carol"):
        assert SUMMARY[2] in await bot.say("/summary 2", user=user)
        shown = await bot.say("/summary 3 long", user=user)
        assert SUMMARY[3] not in shown and "rescues" not in shown
        assert "/summary 3 long spoil shows it to you privately" in shown
        shown = await bot.say("/discuss 3", user=user)
        assert "row out" not in shown and "== For discussion ==" in shown
    shown = await bot.say("/glossary founder")
    assert "as the Marta does" not in shown and "== Glossary ==" in shown
    assert "chapter 3 is past the spoiler line (the plan's chapter: chapter 2)" in shown
    assert "fish for herring" in await bot.say("/glossary herring fleet")
    listed = await bot.say("/glossary")
    assert "herring fleet" in listed and "lantern room" in listed
    assert "founder" not in listed and "1 more from chapters past the spoiler line" in listed
    # Quotes without a chapter come from within the line only.
    for _ in range(6):
        assert QUOTE[3] not in await bot.say("/quote")


async def test_with_plan_a_quiz_never_asks_past_the_plan(bot: ConsoleBot) -> None:
    await shield(bot, "plan")
    await bot.say("/plan set 1", user="mod", moderator=True)
    shown = await bot.say("/quiz start questions 5", user="mod", moderator=True)
    # Chapter 1's two questions, of the book's four.
    assert "started a quiz on chapters up to 1: 2 question(s) (all there are)" in shown
    asked = chapters_asked(shown)
    for _ in range(2):
        shown = await bot.say("/quiz next", user="mod", moderator=True)
        asked |= chapters_asked(shown)
    assert asked == {1}
    assert "Quiz finished" in shown

    shown = await bot.say("/quiz start 3", user="mod", moderator=True)
    assert (
        "Chapter 3 is past the spoiler line (the plan's chapter: chapter 1): a quiz in this "
        "group asks only about chapters up to 1"
    ) in shown
    assert "Which ship founders" not in shown


async def test_practice_stays_within_the_members_line_unless_a_chapter_is_asked(
    bot: ConsoleBot,
) -> None:
    await shield(bot, "member")
    await bot.say("/read 2", user="bob")
    asked: set[int] = set()
    for _ in range(4):
        shown = await bot.say("/quiz practice questions 5", user="bob")
        assert "Practice on chapters up to 2: 3 question(s)" in shown
        asked |= chapters_asked(shown)
        await bot.say("/practice stop", user="bob")
    assert 3 not in asked
    shown = await bot.say("/quiz practice 3", user="bob")  # private: asked on purpose
    assert "Which ship founders" in shown and "[only you see this]" in shown


async def test_with_plan_a_daily_quote_never_comes_from_past_the_plan(
    bot: ConsoleBot, clock: FakeClock
) -> None:
    await shield(bot, "plan")
    await bot.say("/plan set 2", user="mod", moderator=True)
    await bot.say("/daily set time 13:00 timezone UTC chapter all", user="mod", moderator=True)
    await settled(bot)
    posted = ""
    await advance(bot, clock, timedelta(hours=1))  # 13:00 today, then each day at 13:00
    for _ in range(4):
        posted += bot.posted()
        await advance(bot, clock, timedelta(days=1))
    for _ in range(4):
        posted += await bot.say("/daily now", user="mod", moderator=True)
    assert posted.count("== Quote of the day ==") == 8
    assert QUOTE[1] in posted and QUOTE[2] in posted
    assert QUOTE[3] not in posted and "(chapter 3" not in posted


async def test_with_the_shield_off_everything_is_shown(bot: ConsoleBot) -> None:
    await bot.say("/read 1", user="bob")
    await bot.say("/plan set 1", user="mod", moderator=True)
    assert SUMMARY[3] in await bot.say("/summary 3", user="bob")
    assert QUOTE[3] in await bot.say("/quote storm", user="bob")
    await shield(bot, "plan")
    await shield(bot, "off")
    assert SUMMARY[3] in await bot.say("/summary 3", user="bob")


async def test_spoilers_says_the_mode_what_it_means_and_the_callers_line(
    bot: ConsoleBot,
) -> None:
    shown = await bot.say("/spoilers", user="bob")
    assert "Spoiler shield: off. With off, every chapter is shown in the channel." in shown
    assert "moderators: /spoilers set off|plan|member" in shown
    await shield(bot, "member")
    await bot.say("/read 2", user="bob")
    shown = await bot.say("/spoilers", user="bob")
    assert "Spoiler shield: member. With member, nothing past the asking member's own" in shown
    assert "Your line: chapter 2 (your check-in)." in shown
    assert "/read N checks you in to chapter N and moves your line." in shown
    assert "plan: nothing past the reading plan's current chapter" in shown
    shown = await bot.say("/spoilers show", user="carol")
    assert "Your line: none yet (no reading plan is set), so nothing is hidden." in shown


async def test_members_cannot_set_the_shield_and_bad_modes_change_nothing(
    bot: ConsoleBot,
) -> None:
    shown = await bot.say("/spoilers set plan", user="bob")
    assert "Only moderators can use /spoilers set." in shown
    shown = await bot.say("/spoilers set everything", user="mod", moderator=True)
    assert "`mode` must be one of off, plan, member; got 'everything'." in shown
    assert "Usage: /spoilers set mode" in shown
    shown = await bot.say("/spoilers set", user="mod", moderator=True)
    assert "Usage: /spoilers set mode" in shown
    assert "Spoiler shield: off." in await bot.say("/spoilers", user="bob")


async def test_the_mode_is_kept_in_the_database_for_the_next_start(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, content=str(SPOILER_CONTENT)) as first:
        await shield(first, "plan")
    async with console_bot(tmp_path, clock, content=str(SPOILER_CONTENT)) as second:
        assert "Spoiler shield: plan." in await second.say("/spoilers")


def test_the_book_has_three_chapters_each_with_its_own_words() -> None:
    texts = {
        n: (SPOILER_CONTENT / "lighthouse" / "chapters" / f"{n}.yaml").read_text()
        for n in (1, 2, 3)
    }
    for n, text in texts.items():
        assert SUMMARY[n] in text and QUOTE[n] in text
        assert not any(SUMMARY[m] in text or QUOTE[m] in text for m in texts if m != n)
    assert re.search(r"storm", texts[3]) and not re.search(r"storm", texts[1] + texts[2])


# What a newcomer types about spoilers, and what the console must answer: each row on a
# fresh bot with the shield on `plan` at chapter 1 (set by a moderator first).
PHRASINGS = [
    # (user, line, expected, absent)
    ("bob", "/spoilers", "Spoiler shield: plan.", ("Usage:",)),
    ("bob", "/spoilers show", "Your line: chapter 1 (the plan's chapter).", ("Usage:",)),
    ("bob", "/spoiler", "Did you mean /spoilers show?", ("/spoilers set",)),
    ("bob", "/spoilers status", "Did you mean /spoilers show?", ("/spoilers set",)),
    ("mod", "/spoilers on", "Did you mean /spoilers set?", ()),
    ("mod", "/spoilers set Member", "Spoiler shield set to member", ("Usage:",)),
    ("mod", "/spoilers set PLAN", "Spoiler shield set to plan", ("Usage:",)),
    ("bob", "/spoilers set off", "Only moderators can use /spoilers set.", ()),
    ("bob", "/summary 2 spoil", SUMMARY[2], ("[hidden",)),
    ("bob", "/summary spoil 2", SUMMARY[2], ("[hidden",)),
    ("bob", "/summary 2 long spoil", "The fishermen accuse Anna Holm of neglect.", ("[hidden",)),
    ("bob", "/quote spoil storm", QUOTE[3], ("[hidden",)),
    ("bob", "/quote storm spoil", QUOTE[3], ("[hidden",)),
    ("bob", "/quote 3 spoil", QUOTE[3], ("[hidden",)),
    ("bob", "/glossary spoil founder", "as the Marta does", ("[hidden",)),
    ("bob", "/glossary fouder", "/glossary fouder spoil shows it to you privately", ("Marta",)),
    ("bob", "/discuss 3 spoil", "row out into the storm", ("[hidden",)),
    ("bob", "/summary 3", "/summary 3 spoil shows it to you privately", (SUMMARY[3],)),
    ("bob", "/summary", SUMMARY[1], ("[hidden",)),
    ("bob", "/help summary", "[spoil]: show it privately, even past the spoiler line", ()),
    ("bob", "/help", "Spoilers: with the shield on (spoilers)", ()),
]


@pytest.mark.parametrize(("user", "line", "expected", "absent"), PHRASINGS)
async def test_spoiler_phrasings(
    bot: ConsoleBot, user: str, line: str, expected: str, absent: tuple[str, ...]
) -> None:
    await shield(bot, "plan")
    await bot.say("/plan set 1", user="mod", moderator=True)
    shown = await bot.say(line, user=user, moderator=user == "mod")
    assert expected in shown
    assert "Something went wrong" not in shown
    for text in absent:
        assert text not in shown
