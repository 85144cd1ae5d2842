"""Hands-off quizzes (`quiz start ... auto`) and untimed overrides, on the console with the
injected clock: each timed question is revealed when its time is up, the next one follows
`quiz.auto_pause` seconds later, the results after the last; a restart keeps the pace."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import FakeClock, settle
from tests.quiz_helpers import posted, quiz_bot, right_and_wrong

MOD = {"user": "mod", "moderator": True}


async def test_an_auto_quiz_runs_to_its_results_without_a_moderator(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock, quiz={"auto_pause": 5}) as bot:
        shown = await bot.say("/quiz start 1 questions 2 seconds 30 auto", **MOD)
        assert "2 question(s), 30 seconds each, hands-off" in shown
        assert "the next question follows by itself" in shown
        right, _ = right_and_wrong(shown)
        await bot.say(f"/answer {right}", user="alice")
        await clock.advance(30)
        reveal = await posted(bot)
        assert "Question 1 of 2: the answer" in reveal and "Right: alice" in reveal
        assert "Question 2 follows in 5 seconds" in reveal
        assert "Question 2 of 2" not in reveal
        status = await bot.say("/quiz status")
        assert "question 1 of 2 is closed; question 2 comes in 5 s" in status
        await clock.advance(4)
        await settle()
        assert bot.posted() == ""
        await clock.advance(1)
        second = await posted(bot)
        assert "Question 2 of 2" in second and "You have 30 seconds" in second
        right, _ = right_and_wrong(second)
        await bot.say(f"/answer {right}", user="bob")
        await clock.advance(30)
        last = await posted(bot)
        assert "Question 2 of 2: the answer" in last and "Right: bob" in last
        assert "Quiz finished: results" in last
        assert "1= alice: 1 point (1 of 1 right)" in last
        assert "There is no quiz running" in await bot.say("/quiz status")
        await clock.advance(60)
        assert bot.posted() == ""


async def test_quiz_next_during_the_pause_asks_at_once_and_the_pause_timer_does_nothing(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock, quiz={"auto_pause": 10}) as bot:
        await bot.say("/quiz start 1 questions 3 seconds 20 auto", **MOD)
        await clock.advance(20)
        assert "Question 2 follows in 10 seconds" in await posted(bot)
        shown = await bot.say("/quiz next", **MOD)
        assert "Question 2 of 3" in shown and "the answer" not in shown
        await clock.advance(10)
        await settle()
        assert bot.posted() == ""  # the pause's timer found the quiz moved on
        assert "question 2 of 3 is open, closes in 10 s" in await bot.say("/quiz status")


async def test_an_auto_quiz_keeps_its_pace_across_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock, quiz={"auto_pause": 10}) as bot:
        await bot.say("/quiz start 1 questions 2 seconds 30 auto", **MOD)
        await clock.advance(30)
        assert "Question 2 follows in 10 seconds" in await posted(bot)
        await clock.advance(4)
    # Stopped during the pause; started again 3 s before the next question is due.
    await clock.advance(3)
    async with quiz_bot(tmp_path, clock, quiz={"auto_pause": 10}) as bot:
        assert "question 2 comes in 3 s" in await bot.say("/quiz status")
        await clock.advance(2)
        await settle()
        assert bot.posted() == ""
        await clock.advance(1)
        assert "Question 2 of 2" in await posted(bot)
        await clock.advance(30)
        assert "Quiz finished: results" in await posted(bot)


async def test_a_deadline_passed_while_stopped_reveals_on_start_and_the_pause_follows(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 questions 2 seconds 30 auto", **MOD)
    await clock.advance(300)
    async with quiz_bot(tmp_path, clock) as bot:
        first = await posted(bot)
        assert "Question 1 of 2: the answer" in first
        assert "Question 2 follows in 10 seconds" in first  # the default auto_pause
        await clock.advance(10)
        assert "Question 2 of 2" in await posted(bot)


async def test_auto_needs_timed_questions_and_changes_nothing_when_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        refused = await bot.say("/quiz start 1 auto", **MOD)
        assert "A hands-off quiz (`auto`) needs timed questions: add `seconds S`" in refused
        refused = await bot.say("/quiz start 1 seconds 0 auto", **MOD)
        assert "needs timed questions" in refused
        assert "There is no quiz running" in await bot.say("/quiz status")


async def test_seconds_0_and_untimed_override_a_configured_default(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock, quiz={"default_seconds": 30}) as bot:
        assert "30 seconds each" in await bot.say("/quiz start 1 questions 1", **MOD)
        await bot.say("/quiz stop", **MOD)
        for how in ("seconds 0", "untimed"):
            shown = await bot.say(f"/quiz start 1 questions 1 {how}", **MOD)
            assert "seconds" not in shown, how
            await clock.advance(600)
            await settle()
            assert bot.posted() == "", how  # nothing closes by itself
            assert "question 1 of 1 is open;" in await bot.say("/quiz status")
            assert "Quiz finished" in await bot.say("/quiz next", **MOD)
        both = await bot.say("/quiz start 1 seconds 30 untimed", **MOD)
        assert "Give `seconds S` or `untimed`, not both." in both
        assert "or 0 for untimed" in await bot.say("/quiz start 1 seconds 3", **MOD)


async def test_a_question_asked_by_itself_names_commands_with_the_starters_prefix(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock, quiz={"auto_pause": 5}) as bot:
        await bot.say("!quiz start 1 questions 2 seconds 30 auto", **MOD)
        await clock.advance(30)
        assert "Question 2 follows in 5 seconds" in await posted(bot)
        await clock.advance(5)
        second = await posted(bot)
        assert "Question 2 of 2" in second and "!answer" in second and "/answer" not in second
