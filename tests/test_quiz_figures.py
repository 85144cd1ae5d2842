"""`stats` and `quiz leaderboard` give one set of figures: on fixed data with a withdrawn
and a changed answer, over every period word, in a timezone where the UTC day and the
local day differ."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.core.clock import FakeClock
from tests.harness import ConsoleBot
from tests.quiz_helpers import quiz_bot, right_and_wrong

MOD = {"user": "mod", "moderator": True}
TOKYO = {"timezone": "Asia/Tokyo"}  # UTC+9, no daylight saving
PERIODS = ("today", "week", "month", "all", "7d", "1d", "30d")


def board_figures(board: str) -> dict[str, tuple[int, int]]:
    """member -> (right, answered), read from a leaderboard's lines."""
    found = re.findall(r"^\d+[=.] (\w+): \d+ points?, (\d+) of (\d+) right", board, re.M)
    return {name: (int(right), int(answered)) for name, right, answered in found}


def stats_accuracy(shown: str) -> tuple[int, int]:
    """(right, answered) from a stats reply's quiz accuracy; (0, 0) when there are none."""
    match = re.search(r"Quiz accuracy\W+(\d+)/(\d+) correct", shown)
    if match is None:
        assert "no quiz answers yet" in shown, shown
        return (0, 0)
    return int(match[1]), int(match[2])


async def play_first_quiz(bot: ConsoleBot) -> None:
    """Question 1: alice right; bob answers, then withdraws; carol wrong, then right.
    Question 2: alice wrong, bob right."""
    shown = await bot.say("/quiz start 1 questions 2", **MOD)
    right, wrong = right_and_wrong(shown)
    await bot.say(f"/answer {right}", user="alice")
    await bot.say(f"/answer {right}", user="bob")
    assert "withdrawn" in await bot.say("/quiz withdraw", user="bob")
    await bot.say(f"/answer {wrong}", user="carol")
    assert "Changed your answer" in await bot.say(f"/answer {right}", user="carol")
    shown = await bot.say("/quiz next", **MOD)
    assert "Answers: 2" in shown
    right, wrong = right_and_wrong(shown)
    await bot.say(f"/answer {wrong}", user="alice")
    await bot.say(f"/answer {right}", user="bob")
    assert "Quiz finished" in await bot.say("/quiz next", **MOD)


async def test_stats_and_the_leaderboard_agree_for_every_period_and_member(
    tmp_path: Path,
) -> None:
    # Friday 20 November, 21:00 in Tokyo.
    clock = FakeClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    async with quiz_bot(tmp_path, clock, **TOKYO) as bot:
        await play_first_quiz(bot)
        # Monday 23 November, 00:30 in Tokyo (still Sunday in UTC): a new week there.
        clock.set(datetime(2026, 11, 22, 15, 30, tzinfo=UTC))
        shown = await bot.say("/quiz start 1 questions 1", **MOD)
        right, _ = right_and_wrong(shown)
        await bot.say(f"/answer {right}", user="alice")
        await bot.say("/quiz next", **MOD)

        everything = board_figures(await bot.say("/quiz leaderboard all"))
        # The withdrawn answer counts nowhere; the changed one as its last (right) answer.
        assert everything == {"alice": (2, 3), "bob": (1, 1), "carol": (1, 1)}
        week = await bot.say("/quiz leaderboard week")
        assert "this week (since Mon 23 Nov)" in week
        assert board_figures(week) == {"alice": (1, 1)}

        for period in PERIODS:
            board = board_figures(await bot.say(f"/quiz leaderboard {period}"))
            stats = stats_accuracy(await bot.say(f"/stats group {period}"))
            summed = (sum(r for r, _ in board.values()), sum(a for _, a in board.values()))
            assert summed == stats, period
        for member, figures in everything.items():
            assert stats_accuracy(await bot.say(f"/stats {member}")) == figures, member


async def test_a_withdrawn_answer_alone_leaves_no_figure_anywhere(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 questions 1", **MOD)
        right, _ = right_and_wrong(shown)
        await bot.say(f"/answer {right}", user="bob")
        await bot.say("/quiz withdraw", user="bob")
        await bot.say("/read 1", user="bob")  # so that bob has a stats page at all
        await bot.say("/quiz next", **MOD)
        assert "No quiz results here in this period." in await bot.say("/quiz leaderboard")
        assert stats_accuracy(await bot.say("/stats bob")) == (0, 0)
        assert stats_accuracy(await bot.say("/stats group all")) == (0, 0)
