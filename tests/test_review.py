"""Spaced review of missed quiz items, end to end on the console with an injected clock:
what is missed comes back the next day, then at growing intervals while answered right; a
wrong answer brings it back; the schedule survives a restart; slow right answers in a
timed quiz count; bad input changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from tests.databases import rows
from tests.harness import ConsoleBot
from tests.quiz_helpers import letter_of, posted, quiz_bot, right_and_wrong

DAY = timedelta(days=1)
YEAR_QUESTION = "In which year did the strike happen?"


def days_until_seen(shown: str) -> int:
    """How many days until the item comes back, as the verdict says it."""
    match = re.search(r"You will see it again (tomorrow|on \S+ \(in (\d+) days\))", shown)
    assert match, shown
    return 1 if match[1] == "tomorrow" else int(match[2])


async def miss_in_practice(bot: ConsoleBot, user: str = "alice") -> None:
    """Practice chapter 2 (one question, the year) and get it wrong."""
    await bot.say("/quiz practice 2", user=user)
    shown = await bot.say("/practice answer 1927", user=user)
    assert "Not quite" in shown


async def miss_in_a_group_quiz(bot: ConsoleBot, user: str = "alice") -> None:
    """A group quiz of one choice question (after how many days...) answered wrong."""
    quiz = await bot.say("/quiz start 1 choice questions 1", user="mod", moderator=True)
    _, wrong = right_and_wrong(quiz)
    await bot.say(f"/answer {wrong}", user=user)
    await bot.say("/quiz next", user="mod", moderator=True)


async def test_a_missed_item_is_due_the_next_day_then_at_growing_intervals(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await miss_in_practice(bot)
        # Not due on the day it was missed...
        assert "Nothing to review today. Next: tomorrow." in await bot.say("/review")
        status = await bot.say("/review status")
        assert "Due today: 0 items." in status and "this week" in status and "1 item." in status

        await clock.advance(DAY)  # ...but the next day
        assert "Due today: 1 item." in await bot.say("/review status")
        asked = await bot.say("/review")
        assert YEAR_QUESTION in asked and "1 item due today" in asked

        intervals = []
        for _ in range(4):
            shown = await bot.say("/review answer 1926")
            assert "Right!" in shown and "The general strike was in 1926." in shown
            assert "From the text: “the general strike of 1926”" in shown
            days = days_until_seen(shown)
            intervals.append(days)
            # Not asked again before its day comes...
            await clock.advance(DAY * (days - 1))
            assert YEAR_QUESTION not in await bot.say("/review")
            await clock.advance(DAY)  # ...and asked on that day
            assert YEAR_QUESTION in await bot.say("/review")
        assert intervals == sorted(intervals) and len(set(intervals)) == len(intervals), intervals
        assert intervals[0] >= 2


async def test_a_wrong_answer_brings_the_item_back_the_next_day(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await miss_in_practice(bot)
        for _ in range(3):  # a few right answers push it days away
            await clock.advance(DAY * 30)
            await bot.say("/review")
            days = days_until_seen(await bot.say("/review answer 1926"))
        assert days > 5
        await clock.advance(DAY * days)
        await bot.say("/review")
        shown = await bot.say("/review answer 1925")
        assert "Not quite: you said 1925." in shown and "The answer: 1926" in shown
        assert "You will see it again tomorrow." in shown
        await clock.advance(DAY)
        assert YEAR_QUESTION in await bot.say("/review")


async def test_the_schedule_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await miss_in_practice(bot)
    await clock.advance(DAY)
    async with quiz_bot(tmp_path, clock) as bot:
        assert YEAR_QUESTION in await bot.say("/review")
    async with quiz_bot(tmp_path, clock) as bot:  # the item shown is still waiting
        assert "Right!" in await bot.say("/review answer 1926")


async def test_group_quiz_misses_and_slow_right_answers_go_on_the_schedule(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Right in more than half the time of a timed question counts as slow; right in less
    than half does not; wrong counts; not answering at all is not known."""
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 questions 1 seconds 60", user="mod", moderator=True)
        right, wrong = right_and_wrong(shown)
        await bot.say(f"/answer {wrong}", user="alice")
        await bot.say(f"/answer {right}", user="bob")
        await clock.advance(31)
        await bot.say(f"/answer {right}", user="carol")
        await bot.say("/quiz next", user="mod", moderator=True)
        await clock.advance(DAY)
        for user in ("alice", "carol"):
            assert "Due today: 1 item." in await bot.say("/review status", user=user), user
        for user in ("bob", "mod"):
            assert "You have nothing to review" in await bot.say("/review", user=user), user


async def test_bad_review_input_changes_nothing(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/review answer 1926")
        assert "No review item is waiting for an answer: /review." in shown
        # A choice question: missed in a group quiz, then a letter it does not have.
        await miss_in_a_group_quiz(bot)
        await clock.advance(DAY)
        assert "After how many days" in await bot.say("/review")
        assert "Answer with one of the letters A, B, C" in await bot.say("/review answer Z")
        refused = await bot.say("/review answer B token r1-0")
        assert "answered already" in refused
        assert "Due today: 1 item." in await bot.say("/review status")
        assert "usage" in (await bot.say("/review remind maybe")).lower()
        assert "Daily reminder: off." in await bot.say("/review status")


async def test_a_miss_in_a_question_closed_by_its_timer_is_scheduled(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 2 seconds 30", user="mod", moderator=True)
        _, wrong = right_and_wrong(shown)
        await bot.say(f"/answer {wrong}")
        await clock.advance(31)
        assert "the answer" in await posted(bot)
        await clock.advance(DAY)
        assert YEAR_QUESTION in await bot.say("/review")


async def test_a_button_pick_answers_the_item_it_was_shown_with(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await miss_in_a_group_quiz(bot)
        await clock.advance(DAY)
        asked = await bot.say("/review")
        ((token,),) = rows(tmp_path / "kruzhok.sqlite3", "SELECT token FROM review_shown")
        pick = f"/review answer {letter_of(asked, 'Ten')} token {token}"
        shown = await bot.say(pick)
        assert "Right!" in shown and "Ten" in shown
        assert "No review item is waiting" in await bot.say(pick)  # a second click


async def test_review_phrasings(tmp_path: Path, clock: FakeClock) -> None:
    """`review` alone asks the next item; a missing or wrong argument shows the usage."""
    async with quiz_bot(tmp_path, clock) as bot:
        assert "You have nothing to review" in await bot.say("/review")
        assert "You have nothing to review" in await bot.say("/review next")
        assert "/review remind on|off" in await bot.say("/review remind")
        assert "/review answer answer..." in await bot.say("/review answer")
