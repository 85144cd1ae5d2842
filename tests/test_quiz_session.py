"""The quiz state machine alone (no I/O), and its storage round trip."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.content.model import QuizItem
from bot.core.commands import UserError
from bot.core.refs import Caller, Place
from bot.features.quiz.model import SHOWN_NAMES, Phase, QuizSession, judge
from bot.features.quiz.repo import QuizRepo
from bot.storage.db import IntegrityError, connect
from tests.quiz_helpers import quiz_bot, right_and_wrong

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PLACE = Place("console", "g", "c")

CHOICE = QuizItem(
    id="c", kind="choice", question="Days?", choices=["Three", "Ten"], answer="Ten",
    explanation="Ten days.", citation="after ten days",
)  # fmt: skip
TRUTH = QuizItem(
    id="t", kind="truefalse", question="Spreading?", answer=True,
    explanation="Yes.", citation="still spreading",
)  # fmt: skip
TEXT = QuizItem(
    id="x", kind="text", question="City?", answer="London", accept=["City of London"],
    explanation="London.", citation="in London",
)  # fmt: skip


def session(seconds: int | None = None, items: list[QuizItem] | None = None) -> QuizSession:
    s = QuizSession(
        id=3, place=PLACE, started_by="mod", started_by_name="Mod",
        items=items or [CHOICE, TRUTH, TEXT], label="chapter 1", started_at=T0,
        question_at=T0, seconds=seconds,
    )  # fmt: skip
    s.open_question(T0)
    return s


def test_judge_takes_letters_option_text_and_yes_no() -> None:
    assert judge(CHOICE, "b") == ("B) Ten", True)
    assert judge(CHOICE, "three") == ("A) Three", False)
    assert judge(TRUTH, "yes") == ("A) True", True)
    assert judge(TEXT, "the city of london!") == ("the city of london!", True)
    with pytest.raises(UserError, match="letters A, B"):
        judge(CHOICE, "C")


def test_the_last_answer_counts_and_the_token_names_the_question() -> None:
    s = session()
    assert s.token == "q3-1"
    first = s.answer("alice", "Alice", "A", T0)
    second = s.answer("alice", "Alice", "B", T0 + timedelta(seconds=2), token="q3-1")
    assert first.first and not second.first and second.previous == first.answer
    assert s.question_answers()["alice"].correct
    with pytest.raises(UserError, match="has closed"):
        s.answer("bob", "Bob", "B", T0, token="q3-2")


def test_a_timed_question_refuses_answers_at_its_deadline_even_before_it_is_closed() -> None:
    s = session(seconds=30)
    assert s.deadline == T0 + timedelta(seconds=30)
    s.answer("alice", "Alice", "B", T0 + timedelta(seconds=29))
    with pytest.raises(UserError, match="Too late"):
        s.answer("bob", "Bob", "B", T0 + timedelta(seconds=30))


def test_close_advance_finish_and_ties() -> None:
    s = session()
    s.answer("alice", "Alice", "B", T0)
    s.answer("bob", "Bob", "B", T0)
    s.answer("carol", "Carol", "A", T0)
    assert [a.member for a in s.close(T0)] == ["alice", "bob"]
    with pytest.raises(UserError, match="Too late"):
        s.answer("dan", "Dan", "B", T0)
    assert s.advance(T0) and s.position == 1 and s.phase == "open"
    s.close(T0)
    assert s.advance(T0)
    s.answer("carol", "Carol", "london", T0)
    s.close(T0)
    assert not s.advance(T0) and s.phase == "finished"
    standings = [(x.rank, x.tied, x.name, x.points) for x in s.standings()]
    assert standings == [(1, True, "Alice", 1), (1, True, "Bob", 1), (1, True, "Carol", 1)]


def test_reveal_and_scoreboard_cap_long_name_lists() -> None:
    s = session()
    for i in range(SHOWN_NAMES + 5):
        s.answer(f"m{i}", f"M{i:02d}", "B", T0)
    s.close(T0)
    right = {f.name: f.value for f in s.reveal_reply().fields}["Right"]
    assert right.endswith("and 5 more")
    assert s.reveal_reply().choices is not None and s.reveal_reply().choices.closed
    assert "...and 5 more" in s.results_reply().text


async def test_a_session_survives_a_round_trip_through_storage(tmp_path: Path) -> None:
    """Stored and read back (by a repository that never saw it): items, deadline, answers;
    one running quiz per place, and a thread of the channel is a place of its own."""
    db = await connect(tmp_path / "db.sqlite3")
    try:
        repo = QuizRepo(db)
        s = session(seconds=30)
        s.id = await repo.create(s)
        outcome = s.answer("alice", "Alice", "B", T0)
        assert await repo.save_answer_if_open(s, outcome.question, outcome.answer)
        with pytest.raises(IntegrityError):
            await repo.create(session())  # one running quiz per place
        in_thread = session()
        in_thread.place = Place(PLACE.platform, PLACE.group_id, PLACE.channel_id, "t1")
        in_thread.id = await repo.create(in_thread)
        loaded = await QuizRepo(db).running_at(PLACE)
        assert loaded is not None and loaded.id == s.id
        await repo.load_answers(loaded)
        assert loaded.items == s.items and loaded.deadline == s.deadline
        assert loaded.phase is Phase.OPEN
        assert loaded.question_answers()["alice"] == outcome.answer
        threaded = await repo.running_at(in_thread.place)
        assert threaded is not None and threaded.id == in_thread.id
    finally:
        await db.close()


async def test_many_answers_at_once_are_each_recorded_exactly_once(tmp_path: Path, clock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        engine = bot.app.engine
        place = bot.adapter.place
        shown = await bot.say("/quiz start 1 choice questions 1", user="mod", moderator=True)
        right, wrong = right_and_wrong(shown)
        callers = [Caller(f"m{i}", f"M{i}") for i in range(300)]
        lines = [engine.run_line(c, place, f"answer {right}") for c in callers]
        replies = await asyncio.gather(*lines)
        # Then 50 change their minds, at once too (a member's two answers sent at the same
        # instant may land in either order on a pool of connections).
        changes = [engine.run_line(c, place, f"answer {wrong}") for c in callers[:50]]
        replies += await asyncio.gather(*changes)
        assert all("ack" in r[0].tags for r in replies)
        row = await bot.app.db.fetchrow(
            "SELECT COUNT(*), COUNT(DISTINCT member), SUM(correct) FROM quiz_answers"
        )
        assert tuple(row) == (300, 300, 250)
        assert "Answers: 300" in await bot.say("/quiz next", user="mod", moderator=True)
