"""Quizzes end to end on the console: a moderator and two members play through, restarts
resume, refusals are clear and change nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.core.activity import ActivityKind
from bot.core.clock import FakeClock, settle
from tests.databases import POSTGRES, stored_bytes, stored_text
from tests.harness import ROOT
from tests.quiz_helpers import (
    QUIZ_CONTENT,
    Recorder,
    letter_of,
    posted,
    quiz_bot,
    right_and_wrong,
)

MOD = {"user": "mod", "moderator": True}


async def test_three_question_quiz_right_wrong_changed_late_scoreboard_and_leaderboard(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 questions 3", **MOD)
        assert "mod started a quiz on chapter 1: 3 question(s)" in shown
        assert "Question 1 of 3" in shown
        right, wrong = right_and_wrong(shown)
        # Q1: alice right; bob wrong, then changes to right (the last answer counts)
        ack = await bot.say(f"/answer {right}", user="alice")
        assert "[only you see this] Your answer to question 1" in ack
        await bot.say(f"/answer {wrong}", user="bob")
        changed = await bot.say(f"/answer {right}", user="bob")
        assert "Changed your answer to question 1" in changed

        shown = await bot.say("/quiz next", **MOD)
        assert "Question 1 of 3: the answer" in shown
        assert "Answers: 2" in shown and "Right: alice, bob" in shown
        assert "From the text:" in shown and "Question 2 of 3" in shown
        # A late answer to question 1 (a button pressed after it closed) is refused
        late = await bot.say(f"/answer {right} token q1-1", user="alice")
        assert "That question has closed" in late

        # Q2: alice wrong, bob right
        right, wrong = right_and_wrong(shown)
        await bot.say(f"/answer {wrong}", user="alice")
        await bot.say(f"/answer {right}", user="bob")
        shown = await bot.say("/quiz next", **MOD)
        assert "Right: bob" in shown and "Question 3 of 3" in shown

        # Q3: alice right, bob wrong
        right, wrong = right_and_wrong(shown)
        await bot.say(f"/answer {right}", user="alice")
        await bot.say(f"/answer {wrong}", user="bob")
        shown = await bot.say("/quiz next", **MOD)
        assert "Question 3 of 3: the answer" in shown and "Right: alice" in shown
        assert "Quiz finished: results (chapter 1)" in shown
        # Both have 2 points: a tie, shown as a tie
        assert "1= alice: 2 points (2 of 3 right)" in shown
        assert "1= bob: 2 points (2 of 3 right)" in shown

        after = await bot.say(f"/answer {right}", user="alice")
        assert "There is no quiz running in this channel" in after

        board = await bot.say("/quiz leaderboard", user="bob")
        assert "1= alice: 2 points, 2 of 3 right (67%), 1 game" in board
        assert "1= bob: 2 points, 2 of 3 right (67%), 1 game" in board
        assert "alice" in await bot.say("/quiz leaderboard 1 week")
        assert "No quiz results here in this period." in await bot.say("/quiz leaderboard 2")


async def test_restart_mid_quiz_resumes_with_the_answers_given(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 questions 2", **MOD)
        right, wrong = right_and_wrong(shown)
        await bot.say(f"/answer {wrong}", user="alice")
    async with quiz_bot(tmp_path, clock) as bot:
        status = await bot.say("/quiz status", user="bob")
        assert "question 1 of 2 is open" in status and "1 answer(s) so far" in status
        # alice's stored answer is still hers: this is a change, not a second answer
        assert "Changed your answer" in await bot.say(f"/answer {right}", user="alice")
        await bot.say(f"/answer {right}", user="bob")
        shown = await bot.say("/quiz next", **MOD)
        assert "Answers: 2" in shown and "Right: alice, bob" in shown
        shown = await bot.say("/quiz stop", **MOD)
        assert "Quiz stopped early" in shown
        assert "1= alice: 1 point (1 of 1 right)" in shown
    async with quiz_bot(tmp_path, clock) as bot:
        board = await bot.say("/quiz leaderboard")
        assert "alice: 1 point, 1 of 1 right" in board
        assert "bob: 1 point, 1 of 1 right" in board


async def test_a_timed_question_closes_by_itself_and_late_answers_are_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 questions 2 seconds 30", **MOD)
        assert "You have 30 seconds" in shown
        right, _ = right_and_wrong(shown)
        await bot.say(f"/answer {right}", user="alice")
        await clock.advance(29)
        assert bot.posted() == ""
        await clock.advance(1)
        reveal = await posted(bot)
        assert "Question 1 of 2: the answer" in reveal and "Right: alice" in reveal
        assert "Time is up" in reveal
        late = await bot.say(f"/answer {right}", user="bob")
        assert "Too late: question 1 has closed" in late
        shown = await bot.say("/quiz next", **MOD)
        assert "Question 2 of 2" in shown
        await clock.advance(30)
        last = await posted(bot)
        assert "Question 2 of 2: the answer" in last and "Quiz finished: results" in last


async def test_restart_keeps_a_timed_questions_stored_deadline(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 questions 2 seconds 30", **MOD)
        await clock.advance(10)
    async with quiz_bot(tmp_path, clock) as bot:
        assert "closes in 20 s" in await bot.say("/quiz status")
        await clock.advance(19)
        await settle()
        assert bot.posted() == ""
        await clock.advance(1)
        assert "Question 1 of 2: the answer" in await posted(bot)


async def test_a_deadline_passed_while_stopped_closes_at_once_on_start(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 questions 2 seconds 30", **MOD)
    await clock.advance(300)
    async with quiz_bot(tmp_path, clock) as bot:
        assert "Question 1 of 2: the answer" in await posted(bot)
        assert "is closed" in await bot.say("/quiz status")


async def test_members_cannot_start_or_stop_and_a_second_start_is_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        refused = await bot.say("/quiz start 1", user="alice")
        assert "Only moderators can use /quiz start." in refused
        assert "There is no quiz running" in await bot.say("/quiz status")
        await bot.say("/quiz start 1 questions 2", **MOD)
        again = await bot.say("/quiz start 2", user="mod2", moderator=True)
        assert "A quiz is already running in this channel" in again
        stop = await bot.say("/quiz stop", user="alice")
        assert "Only moderators and the member who started the quiz can stop it." in stop
        nxt = await bot.say("/quiz next", user="alice")
        assert "Only moderators and the member who started" in nxt
        assert "question 1 of 2 is open" in await bot.say("/quiz status")
        # another moderator may stop it
        assert "Quiz stopped early" in await bot.say("/quiz stop", user="mod2", moderator=True)


async def test_bad_start_arguments_are_refused_clearly(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        assert "There is no chapter 9" in await bot.say("/quiz start 9", **MOD)
        assert "1 to 20 questions" in await bot.say("/quiz start 1 questions 50", **MOD)
        assert "between 5 and 600" in await bot.say("/quiz start 1 seconds 2", **MOD)
        assert "no quiz items of kind truefalse in chapter 2" in await bot.say(
            "/quiz start 2 truefalse", **MOD
        )
        assert "`kinds`" in await bot.say("/quiz start 1 essay", **MOD)
        assert "no quiz deck 'nope'" in await bot.say("/quiz start deck nope", **MOD)
        assert "There is no quiz running" in await bot.say("/quiz status")


async def test_kinds_pick_only_those_items(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start text questions 5", **MOD)
        assert "2 question(s) (all there are)" in shown and "all chapters" in shown
        assert "A)" not in shown


async def test_a_choice_answer_must_be_one_of_the_letters(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 choice questions 1", **MOD)
        assert "one of the letters A, B, C" in await bot.say("/answer Z", user="alice")
        assert "0 answer(s)" in await bot.say("/quiz status")
        ten = letter_of(shown, "Ten")
        assert f"{ten}) Ten" in await bot.say("/answer ten", user="alice")


async def test_withdraw_by_token_and_a_stale_token(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 choice questions 1", **MOD)
        await bot.say("/answer B token q1-1", user="alice")
        assert "1 answer(s)" in await bot.say("/quiz status")
        assert "withdrawn" in await bot.say("/quiz withdraw token q1-1", user="alice")
        assert "0 answer(s)" in await bot.say("/quiz status")
        assert "no answer" in await bot.say("/quiz withdraw token q1-1", user="alice")
        assert "has closed" in await bot.say("/answer B token q9-1", user="alice")


async def test_answers_and_right_answers_are_recorded_as_activity_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        recorder = Recorder()
        bot.app.engine.sinks.append(recorder)
        right, wrong = right_and_wrong(await bot.say("/quiz start 1 choice questions 1", **MOD))
        await bot.say(f"/answer {wrong}", user="alice")
        await bot.say(f"/answer {right}", user="alice")
        await bot.say(f"/answer {wrong}", user="bob")
        await bot.say("/quiz next", **MOD)
        assert recorder.kinds(ActivityKind.QUIZ_ANSWER) == ["alice", "bob"]
        assert recorder.kinds(ActivityKind.QUIZ_CORRECT) == ["alice"]


async def test_practice_is_private_and_apart_from_the_group_quiz(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz practice 1 questions 2", user="carol")
        assert shown.count("[only you see this]") == 2 and "Practice 1 of 2" in shown
        right, _ = right_and_wrong(shown)
        # A group quiz starts in the same channel: `answer` now goes to it, practice stays apart
        await bot.say("/quiz start 2", **MOD)
        shown = await bot.say(f"/practice answer {right}", user="carol")
        assert "Right!" in shown and "Practice 2 of 2" in shown
        _, wrong = right_and_wrong(shown)
        assert "1 answer(s)" not in await bot.say("/quiz status")
        shown = await bot.say(f"/practice answer {wrong}", user="carol")
        assert "Not quite" in shown and "You got 1 of 2 right" in shown
        await bot.say("/quiz stop", **MOD)
        assert "carol" not in await bot.say("/quiz leaderboard")
        assert "not practising" in await bot.say("/practice answer A", user="carol")


async def test_answer_goes_to_practice_when_no_group_quiz_runs(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz practice 2", user="carol")
        shown = await bot.say("/answer 1926", user="carol")
        assert "Right!" in shown and "Practice finished" in shown
        assert "not practising" in await bot.say("/practice stop", user="carol")


async def test_help_explains_points_and_the_speed_bonus(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock, quiz={"speed_bonus": True}) as bot:
        shown = await bot.say("/help")
        assert "Quiz points: 1 point for each right answer" in shown
        assert "Speed bonus" in shown
        shown = await bot.say("/quiz start 1 choice questions 1 seconds 30", **MOD)
        right, _ = right_and_wrong(shown)
        await bot.say(f"/answer {right}", user="alice")
        await clock.advance(15)
        await bot.say(f"/answer {right}", user="bob")
        shown = await bot.say("/quiz next", **MOD)
        assert "1. alice: 2 points" in shown and "2. bob: 1 point" in shown


def test_a_quiz_started_in_one_console_run_is_answered_in_the_next(tmp_path: Path) -> None:
    """Two real `python -m bot run` processes on the same database."""
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {tmp_path / 'db.sqlite3'}\ncontent: {QUIZ_CONTENT}\nseed: 3\n")

    def run(user: str, script: str, moderator: bool = False) -> str:
        command = [sys.executable, "-m", "bot", "run", "--config", str(config), "--user", user]
        result = subprocess.run(
            command + (["--moderator"] if moderator else []),
            input=script, capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    shown = run("mod", "/quiz start 1 questions 2\n", moderator=True)
    right, _ = right_and_wrong(shown)
    assert "Your answer to question 1" in run("alice", f"/answer {right}\n")
    shown = run("mod", "/quiz next\n/quiz stop\n", moderator=True)
    assert "Right: alice" in shown and "1. alice: 1 point" in shown


async def test_the_member_who_started_may_stop_without_moderator_rights(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 questions 2", **MOD)
        assert "Quiz stopped early" in await bot.say("/quiz stop", user="mod", moderator=False)


async def test_sending_the_same_answer_again_is_not_a_change(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 1 truefalse", **MOD)
        first = await bot.say("/answer A", user="alice")
        assert "Your answer to question 1: A) True." in first
        again = await bot.say("/answer true", user="alice")
        assert "Your answer to question 1 is still A) True." in again
        assert "Changed" not in again
        changed = await bot.say("/answer B", user="alice")
        assert "Changed your answer to question 1: B) False (was A) True)." in changed


async def test_a_bad_kinds_value_is_named_even_after_the_word_kinds(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 kinds bogus", **MOD)
        assert "got 'bogus'" in shown and "got 'kinds'" not in shown
        assert "There is no quiz running" in await bot.say("/quiz status")
        # "kinds" followed by good kinds works like the kinds alone
        shown = await bot.say("/quiz start 1 kinds truefalse", **MOD)
        assert "1 question(s)" in shown and "A) True" in shown


async def test_the_leaderboard_of_a_chapter_the_book_lacks_is_refused(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz leaderboard 99")
        assert "There is no chapter 99. Chapters: 1, 2." in shown
        assert "Quiz leaderboard" not in shown


async def test_typed_answers_are_not_kept_word_for_word_after_the_quiz(
    tmp_path: Path, clock: FakeClock
) -> None:
    """While the quiz runs the typed answer is kept (a restart resumes with it); once the
    quiz finishes only whether it was right stays: the text is gone from the database
    files, WAL included."""
    marker = "zqxwvmarker"
    async with quiz_bot(tmp_path, clock) as bot:
        await bot.say("/quiz start 2", **MOD)
        await bot.say(f"/answer {marker}one", user="alice")
        await bot.say(f"/answer {marker}two", user="alice")  # a change leaves no trace either
        await bot.say("/answer 1926", user="bob")
    async with quiz_bot(tmp_path, clock) as bot:
        # Resumed mid-quiz: alice's typed answer is still hers
        again = await bot.say(f"/answer {marker}two", user="alice")
        assert f"is still {marker}two" in again
        shown = await bot.say("/quiz next", **MOD)
        assert "Quiz finished" in shown and "Right: bob" in shown
        assert "1. bob: 1 point (1 of 1 right)" in shown
        assert "alice: 0 points (0 of 1 right)" in shown
        board = await bot.say("/quiz leaderboard 2")
        assert "alice: 0 points, 0 of 1 right" in board
        privacy = await bot.say("/privacy show", user="alice")
        assert "only whether it was right" in privacy
    db_file = tmp_path / "kruzhok.sqlite3"
    assert "(typed answer)" in stored_text(db_file)  # the search reads the right database
    assert marker not in stored_text(db_file)
    if not POSTGRES:
        # SQLite overwrites what it deletes (secure_delete): not a byte of the words is
        # left in the file. PostgreSQL keeps old row versions until VACUUM reuses their
        # space, so there only the rows themselves are checked (README, Privacy).
        assert marker.encode() not in stored_bytes(db_file)
