"""The console at a terminal: a post that arrives while the prompt waits (a quiz timer's
reveal, a daily quote) is written over the prompt line and the prompt is drawn again
below it, with what the member had typed so far."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.console import CLEAR_LINE, Prompt
from bot.core.clock import FakeClock
from tests.quiz_helpers import posted, quiz_bot

MOD = {"user": "mod", "moderator": True}


def test_a_post_over_a_showing_prompt_clears_the_line_and_draws_the_prompt_again() -> None:
    prompt = Prompt("alice> ", lambda: "/answ")
    assert prompt.around("Quote of the day") == "Quote of the day\n\n"  # no prompt showing
    prompt.showing = True
    assert prompt.around("Quote of the day") == f"{CLEAR_LINE}Quote of the day\n\nalice> /answ"


async def test_a_timers_reveal_at_the_prompt_is_followed_by_the_prompt(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 questions 2 seconds 30", **MOD)
        prompt = Prompt("alice> ", lambda: "/ans")
        prompt.showing = True
        bot.adapter.prompt = prompt
        await clock.advance(30)
        shown = await posted(bot)
        assert shown.startswith(CLEAR_LINE + "== Question 1 of 2: the answer")
        assert shown.endswith("moves on with `quiz next`.)\n\nalice> /ans")
        # A command's own reply (typed at the prompt, so it no longer shows) is unchanged.
        prompt.showing = False
        await bot.adapter.write(await bot.say("/quiz status"))
        assert not bot.posted().startswith(CLEAR_LINE)


async def test_piped_input_has_no_prompt_and_posts_stay_plain(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        assert bot.adapter.prompt is None
        await bot.say("/quiz start 1 questions 2 seconds 30", **MOD)
        await clock.advance(30)
        shown = await posted(bot)
        assert shown.startswith("== Question 1 of 2: the answer") and "\x1b" not in shown
