"""`quiz decks` lists the book's decks; deck names match whatever their case. `quiz status`
repeats the open question, and the reveal restates it."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.clock import FakeClock
from tests.harness import START, console_bot
from tests.quiz_helpers import QUIZ_CONTENT, letter_of, quiz_bot

MOD = {"user": "mod", "moderator": True}

DECK = """\
id: capitals
title: "World Capitals"
quiz:
  - id: france
    kind: choice
    question: "What is the capital of France?"
    choices: ["Paris", "Lyon", "Nice"]
    answer: "Paris"
    explanation: "Paris is the capital of France."
    source: "the tests"
  - id: italy
    kind: text
    question: "What is the capital of Italy?"
    answer: "Rome"
    explanation: "Rome is the capital of Italy."
    source: "the tests"
"""


def with_deck(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(QUIZ_CONTENT, content)
    decks = content / "circle" / "decks"
    decks.mkdir()
    (decks / "capitals.yaml").write_text(DECK)
    return content


async def test_quiz_decks_lists_the_decks_and_names_match_in_any_case(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with console_bot(tmp_path, clock, content=str(with_deck(tmp_path))) as bot:
        shown = await bot.say("/quiz decks", user="alice")
        assert "== Quiz decks (A test book for quizzes) ==" in shown
        assert "capitals: World Capitals (2 questions)" in shown
        assert "/quiz start deck NAME" in shown
        started = await bot.say("/quiz start deck CAPITALS", **MOD)
        assert "started a quiz on deck World Capitals: 2 question(s)" in started
        await bot.say("/quiz stop", **MOD)
        started = await bot.say("/quiz start deck Capitals questions 1", **MOD)
        assert "started a quiz on deck World Capitals: 1 question(s)" in started
        await bot.say("/quiz stop", **MOD)
        refused = await bot.say("/quiz start deck nope", **MOD)
        assert "There is no quiz deck 'nope'. Decks: capitals." in refused


async def test_quiz_decks_when_the_book_has_none(tmp_path: Path) -> None:
    async with quiz_bot(tmp_path, FakeClock(START)) as bot:
        shown = await bot.say("/quiz decks", user="alice")
        assert "A test book for quizzes has no quiz decks" in shown
        assert "/quiz start [chapter]" in shown


async def test_status_repeats_the_open_question_and_the_reveal_restates_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 kinds choice", **MOD)
        status = await bot.say("/quiz status", user="alice")
        assert "question 1 of 1 is open; 0 answer(s) so far." in status
        assert "After how many days was the strike called off?" in status
        ten = letter_of(shown, "Ten")
        assert f"{ten}) Ten" in status
        revealed = await bot.say("/quiz next", **MOD)
        assert "After how many days was the strike called off?\nAnswer: " in revealed
        assert f"Answer: {ten}) Ten" in revealed
