"""Fair quizzes: each quiz shuffles its choices so the right answers spread over the
letters, and keeps the order it showed (a restart shows the same letters)."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from bot.content.model import Book, BookMeta, Chapter, QuizItem
from bot.content.packs import load_library
from bot.core.clock import FakeClock
from bot.features.quiz.selection import select, shuffle_choices
from tests.harness import ROOT
from tests.quiz_helpers import letter_of, quiz_bot, right_and_wrong

MOD = {"user": "mod", "moderator": True}


def choice_item(n: int, choices: int = 4) -> QuizItem:
    options = [f"Option {n}-{i}" for i in range(choices)]
    return QuizItem(
        id=f"q{n}",
        kind="choice",
        question=f"Question {n}?",
        choices=options,
        answer=options[1],  # always B as written, like the shipped content mostly is
        explanation="Because.",
        source="the tests",
    )


def twenty_choice_book() -> Book:
    """The shipped book when it has 20 choice items, else one built with 20."""
    shipped = load_library(ROOT / "content").book()
    pool = [i for c in shipped.chapters for i in c.quiz if i.kind == "choice"]
    if len(pool) >= 20:
        return shipped
    chapter = Chapter(
        number=1,
        title="Built",
        summary="Twenty choice questions.",
        key_points=["twenty"],
        quiz=[choice_item(n, 2 + n % 4) for n in range(20)],
    )
    meta = BookMeta(id="built", title="Built", author="t", language="en", source="t")
    return Book(meta=meta, chapters=[chapter])


def letter_counts(items: list[QuizItem]) -> Counter[int]:
    return Counter(i.correct_index for i in items if i.kind == "choice")


def test_no_letter_holds_more_than_half_the_right_answers_for_seeds_0_to_99() -> None:
    book = twenty_choice_book()
    for seed in range(100):
        chosen = select(book, random.Random(seed), None, None, ["choice"], 20).items
        assert len(chosen) == 20
        counts = letter_counts(chosen)
        assert max(counts.values()) <= 10, (seed, counts)


def test_a_pool_always_answered_b_is_spread_over_the_letters() -> None:
    items = [choice_item(n) for n in range(20)]
    for seed in range(100):
        shuffled = shuffle_choices(items, random.Random(seed))
        counts = letter_counts(shuffled)
        assert sorted(counts.values()) == [5, 5, 5, 5], (seed, counts)
        for before, after in zip(items, shuffled, strict=True):
            assert sorted(after.choices) == sorted(before.choices)
            assert after.answer == before.answer
            assert after.options[after.correct_index or 0] == before.answer


def test_mixed_sizes_and_kinds_stay_fair_and_other_kinds_are_untouched() -> None:
    items = [choice_item(n, 2 + n % 3) for n in range(20)]
    for seed in range(100):
        shuffled = shuffle_choices(items, random.Random(seed))
        assert max(letter_counts(shuffled).values()) <= 10


async def test_the_letters_shown_survive_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz start 1 kinds choice", **MOD)
        letter = letter_of(shown, "Ten")
        await bot.say(f"/answer {letter}", user="alice")
    async with quiz_bot(tmp_path, clock) as bot:
        revealed = await bot.say("/quiz next", **MOD)
        assert f"{letter}) Ten" in revealed
        assert "Right: alice" in revealed


async def test_practice_shows_shuffled_choices_and_judges_by_the_letter_shown(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with quiz_bot(tmp_path, clock) as bot:
        shown = await bot.say("/quiz practice 1 questions 3", user="alice")
        asked = shown
        for _ in range(3):
            right, _wrong = right_and_wrong(shown)
            shown = await bot.say(f"/practice answer {right}", user="alice")
            assert "Right!" in shown
            asked += shown
        assert "You got 3 of 3 right" in shown
        assert f"{letter_of(asked, 'Ten')}) Ten" in asked
