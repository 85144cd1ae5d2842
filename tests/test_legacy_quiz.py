"""A database written by the previous release (tests/fixtures/legacy_v5, schema 5) keeps its
quizzes: the finished quiz's leaderboard, the three running quizzes at their places (one
in a Discord thread) with every answer, a member's practice game, and the adapters' state,
all attached to the configured book; the commands read them."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core.clock import FakeClock
from bot.core.refs import Caller, Place
from tests.harness import console_bot
from tests.participation_support import db_rows

FIXTURE = Path(__file__).parent / "fixtures" / "legacy_v5"
EXPECTED: dict[str, Any] = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
BOOK = "united-opposition"


def section(start: str) -> Any:
    return section_of(EXPECTED, start)


def section_of(facts: dict[str, Any], start: str) -> Any:
    """The value under the key that starts with `start` (keys name their table too)."""
    return next(v for k, v in facts.items() if k.startswith(start))


async def test_the_legacy_database_keeps_its_quizzes_practice_and_adapter_state(
    tmp_path: Path,
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    shutil.copy(FIXTURE / "kruzhok.sqlite3", db_file)
    # The last moment of the old story: the thread quiz's timed question is still open.
    clock = FakeClock(datetime.fromisoformat(EXPECTED["story_clock"]["last_event_utc"]))
    async with console_bot(tmp_path, clock, timezone="UTC") as bot:
        # Every quiz, answer, practice game and adapter value is still there.
        counts = section("row counts")
        for table in ("quizzes", "quiz_answers", "quiz_practice", "settings"):
            assert db_rows(db_file, f"SELECT COUNT(*) FROM {table}") == [(counts[table],)], table
        for table in ("matrix_seen_events", "matrix_choice_messages", "matrix_reactions"):
            assert db_rows(db_file, f"SELECT COUNT(*) FROM {table}") == [(counts[table],)], table
        assert db_rows(db_file, "SELECT DISTINCT book_id FROM quizzes") == [(BOOK,)]
        assert db_rows(db_file, "SELECT DISTINCT book_id FROM quiz_practice") == [(BOOK,)]
        settings = {s["key"]: s["value"] for s in section("settings")}
        kept = dict(db_rows(db_file, "SELECT key, value FROM settings"))
        assert kept == settings

        # The finished quiz's points, read by the leaderboard of its console group.
        finished = section("finished quiz")
        board = await bot.say("/quiz leaderboard all")
        for name, figures in finished[
            "per member (table quiz_answers, member = user_id without platform)"
        ].items():
            assert f"{name}: {figures['points']} point" in board, board
        order = [board.index(f"{name}:") for name in section_of(finished, "leaderboard order")]
        assert order == sorted(order), board

        # The running quizzes resume at their own places; the thread quiz is its own.
        running = {q["id"]: q for q in section("running quizzes")}
        thread_quiz = running[4]
        parent = Place("discord", thread_quiz["group_id"], thread_quiz["channel_id"])
        thread = Place(
            "discord", thread_quiz["group_id"], thread_quiz["channel_id"], thread_quiz["thread_id"]
        )
        member = Caller("1400000000000000001", "Dana")
        in_thread = (await bot.app.engine.run_line(member, thread, "quiz status"))[0].text
        assert f"question 1 of {len(thread_quiz['item_ids'])} is open, closes in 540 s" in in_thread
        assert "1 answer(s) so far" in in_thread
        in_parent = (await bot.app.engine.run_line(member, parent, "quiz status"))[0].text
        assert "There is no quiz running in this channel" in in_parent
        other = running[2]
        channel = Place("discord", other["group_id"], other["channel_id"])
        status = (await bot.app.engine.run_line(member, channel, "quiz status"))[0].text
        assert f"question 2 of {len(other['item_ids'])} is open" in status

        # Alice's practice game goes on where it stopped.
        (practice,) = section("practice")
        stopped = await bot.say("/practice stop", user="alice")
        assert f"You got {practice['state.right']} of {practice['state.answered']} right" in stopped
