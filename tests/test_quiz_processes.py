"""Two bot processes on one SQLite file play one quiz: the database decides, so an answer
given through one process is counted once by the other's reveal, and a timed question
closes once. Real `python -m bot run` processes, time moved through a file clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from bot.features.quiz.feature import QuizFeature
from tests.console_process import (
    ConsoleProcess,
    clock_env,
    console_process,
    write_clock,
)
from tests.databases import database_for
from tests.databases import rows as database_rows
from tests.harness import START
from tests.quiz_helpers import QUIZ_CONTENT, posted, quiz_bot, right_and_wrong

MOD = {"user": "mod", "moderator": True}


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {database_for(tmp_path / 'db.sqlite3')}\ncontent: {QUIZ_CONTENT}\nseed: 3\n"
        f"console:\n  output_dir: {tmp_path / 'out'}\n"
    )
    return config


def rows(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows of the processes' database (SQLite, or PostgreSQL when the run uses it)."""
    return database_rows(tmp_path / "db.sqlite3", sql)


async def test_an_answer_through_one_process_is_counted_once_by_the_others_reveal(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path)
    async with console_process(config, "mod", moderator=True) as mod:
        shown = await mod.say("/quiz start 1 choice,truefalse questions 2")
        assert "Question 1 of 2" in shown
        right, _ = right_and_wrong(shown)
        async with console_process(config, "alice") as alice:
            ack = await alice.say(f"/answer {right}")
            assert "Your answer to question 1" in ack
            assert "1 answer(s) so far" in await mod.say("/quiz status")
            reveal = await mod.say("/quiz next")
            assert "Question 1 of 2: the answer" in reveal
            assert "Answers: 1" in reveal and "Right: alice" in reveal
            late = await alice.say(f"/answer {right} token q1-1")
            assert "That question has closed" in late
    assert rows(tmp_path, "SELECT quiz_id, question, member FROM quiz_answers") == [(1, 0, "alice")]


async def first_to_show(text: str, *processes: ConsoleProcess) -> ConsoleProcess:
    """The process that shows `text` first (the others keep running)."""
    waits = {asyncio.create_task(p.wait_for(text)): p for p in processes}
    done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    task = done.pop()
    task.result()
    return waits[task]


async def test_a_timed_question_is_closed_and_revealed_once_by_two_processes(
    tmp_path: Path,
) -> None:
    """Both processes wait for the deadline (the second found the quiz at its start); the
    file clock passes it; one posts the reveal, the other finds the question closed."""
    config = write_config(tmp_path)
    clock_file = tmp_path / "clock"
    write_clock(clock_file, START)
    env = clock_env(clock_file)
    reveal = "Question 1 of 2: the answer"
    async with console_process(config, "mod", moderator=True, env=env) as mod:
        shown = await mod.say("/quiz start 1 choice,truefalse questions 2 seconds 30")
        assert "You have 30 seconds" in shown
        right, _ = right_and_wrong(shown)
        async with console_process(config, "alice", env=env) as alice:
            assert "Your answer to question 1" in await alice.say(f"/answer {right}")
            write_clock(clock_file, START + timedelta(seconds=31))
            winner = await first_to_show(reveal, mod, alice)
            loser = alice if winner is mod else mod
            await loser.wait_for_log("quiz 1 question 1: closed already")
            assert "Time is up" in winner.output and "Right: alice" in winner.output
            assert "is closed" in await mod.say("/quiz status")
            assert "is closed" in await alice.say("/quiz status")
    assert mod.output.count(reveal) + alice.output.count(reveal) == 1
    assert rows(tmp_path, "SELECT quiz_id, question FROM quiz_reveals") == [(1, 0)]
    assert rows(tmp_path, "SELECT position, phase, deadline FROM quizzes") == [(0, "closed", None)]
    assert rows(tmp_path, "SELECT COUNT(*) FROM quiz_answers") == [(1,)]


async def test_the_sweeper_closes_a_question_a_stopped_process_started(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A process that never armed a timer for the quiz (it was started elsewhere, and that
    process is gone) closes the overdue question at its next sweep."""
    async with quiz_bot(tmp_path, clock) as other:
        async with quiz_bot(tmp_path, clock) as starter:
            await starter.say("/quiz start 1 questions 2 seconds 30", **MOD)
        assert other.app.feature("quiz", QuizFeature).service.timers.armed == 0
        await clock.advance(29)
        assert other.posted() == ""
        await clock.advance(5)  # past the deadline, and a sweep is due
        shown = await posted(other)
        assert "Question 1 of 2: the answer" in shown and "Time is up" in shown
        assert "is closed" in await other.say("/quiz status")
