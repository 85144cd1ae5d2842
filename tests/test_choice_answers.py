"""`answer` takes a letter as members write it (`b`, `b)`, `(c)`), an option's text, or the
start of one option's text when no other option starts that way."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.model import QuizItem
from bot.core.clock import FakeClock
from bot.core.commands import UserError
from bot.features.quiz.model import judge
from tests.quiz_helpers import letter_of, quiz_bot

ITEM = QuizItem(
    id="days",
    kind="choice",
    question="After how many days?",
    choices=["Three", "Ten", "Thirty", "Ninety “long” days"],
    answer="Ten",
    explanation="Ten.",
    source="the tests",
)
TRUE_FALSE = QuizItem(
    id="spread",
    kind="truefalse",
    question="Was it spreading?",
    answer=True,
    explanation="Yes.",
    source="the tests",
)


@pytest.mark.parametrize(
    ("said", "shown", "right"),
    [
        ("b", "B) Ten", True),
        ("B", "B) Ten", True),
        ("b)", "B) Ten", True),
        ("(b)", "B) Ten", True),
        ("( c )", "C) Thirty", False),
        ("c.", "C) Thirty", False),
        ("a:", "A) Three", False),
        ("ten", "B) Ten", True),
        ("TE", "B) Ten", True),
        ("thi", "C) Thirty", False),
        ("thre", "A) Three", False),
        ('ninety "lo', "D) Ninety “long” days", False),
        ("ninety \u2018long", None, False),  # a single quote is not a double one
    ],
)
def test_letters_texts_and_starts_of_a_choice(said: str, shown: str | None, right: bool) -> None:
    if shown is None:
        with pytest.raises(UserError):
            judge(ITEM, said)
        return
    assert judge(ITEM, said) == (shown, right)


@pytest.mark.parametrize("said", ["th", "t", "e)", "(z)", "eleven", "tenth"])
def test_an_ambiguous_or_unknown_answer_is_refused(said: str) -> None:
    with pytest.raises(UserError, match="one of the letters A, B, C, D"):
        judge(ITEM, said)


@pytest.mark.parametrize(
    ("said", "shown"),
    [("a)", "A) True"), ("(b)", "B) False"), ("yes", "A) True"), ("fal", "B) False")],
)
def test_true_or_false_takes_the_same_forms(said: str, shown: str) -> None:
    assert judge(TRUE_FALSE, said)[0] == shown


async def test_on_the_console_b_paren_and_the_start_of_a_choice(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 choice questions 1", user="mod", moderator=True)
        ten = letter_of(shown, "Ten")
        said = await bot.say(f"/answer {ten.lower()})", user="alice")
        assert f"Your answer to question 1: {ten}) Ten." in said
        said = await bot.say(f"/answer ({ten.lower()})", user="bob")
        assert f"Your answer to question 1: {ten}) Ten." in said
        said = await bot.say("/answer thi", user="carol")
        assert f"Your answer to question 1: {letter_of(shown, 'Thirty')}) Thirty." in said
        refused = await bot.say("/answer th", user="dora")
        assert (
            "Answer with one of the letters A, B, C, or the start of one choice's text" in refused
        )
        revealed = await bot.say("/quiz next", user="mod", moderator=True)
        assert "Answers: 3" in revealed and "Right: alice, bob" in revealed
