"""Choosing a quiz's questions from a book: a chapter, a named deck or all chapters, of some
kinds, in a random order, each choice question's choices shuffled so that the right answers
spread evenly over the letters. Pure: the book, the limits and the random source are given.

The shuffled choices are part of the items a quiz or a practice stores, so a restart and
every platform show the same letters."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import QuizConfig
from bot.content.model import Book, Chapter, Deck, QuizItem
from bot.core.commands import UserError

KINDS = ("choice", "truefalse", "text")


@dataclass(frozen=True)
class Selection:
    items: list[QuizItem]
    label: str
    chapter: int | None
    deck: str | None
    asked: int  # how many questions were asked for (more than `items` when too few exist)
    book_id: str


def chapter_of(book: Book, number: int) -> Chapter:
    """The book's chapter, or a UserError naming the chapters there are."""
    found = book.chapter(number)
    if found is None:
        chapters = ", ".join(str(n) for n in book.numbers)
        raise UserError(f"There is no chapter {number}. Chapters: {chapters}.")
    return found


def find_deck(book: Book, name: str) -> Deck | None:
    """The book's deck named by its id or its title, whatever the case."""
    wanted = " ".join(name.split()).casefold()
    for deck in book.decks:
        if wanted in (deck.id.casefold(), " ".join(deck.title.split()).casefold()):
            return deck
    return None


def select(
    book: Book,
    rng: random.Random,
    chapter: int | None,
    deck: str | None,
    kinds: Sequence[str] | None,
    count: int,
) -> Selection:
    deck_id: str | None = None
    if deck is not None:
        found = find_deck(book, deck)
        if found is None:
            names = ", ".join(d.id for d in book.decks) or "none"
            raise UserError(f"There is no quiz deck {deck!r}. Decks: {names}.")
        pool, label, deck_id = list(found.quiz), f"deck {found.title}", found.id
    elif chapter is not None:
        pool, label = list(chapter_of(book, chapter).quiz), f"chapter {chapter}"
    else:
        pool, label = [i for c in book.chapters for i in c.quiz], "all chapters"
    if kinds:
        pool = [i for i in pool if i.kind in kinds]
    if not pool:
        what = f" of kind {', '.join(kinds)}" if kinds else ""
        raise UserError(f"There are no quiz items{what} in {label}.")
    chosen = shuffle_choices(rng.sample(pool, min(count, len(pool))), rng)
    return Selection(chosen, label, chapter if deck is None else None, deck_id, count, book.meta.id)


def shuffle_choices(items: Sequence[QuizItem], rng: random.Random) -> list[QuizItem]:
    """The items with each choice question's choices in a new order.

    Where the right answer goes is chosen first: the letter that has held the right answer
    least often so far in this quiz (a random one among equals), so no letter holds much
    more than its share, whatever the seed; the other choices fill the rest at random.
    """
    held: dict[int, int] = {}
    out: list[QuizItem] = []
    for item in items:
        if item.kind != "choice":
            out.append(item)
            continue
        n = len(item.choices)
        fewest = min(held.get(i, 0) for i in range(n))
        place = rng.choice([i for i in range(n) if held.get(i, 0) == fewest])
        held[place] = held.get(place, 0) + 1
        others = [c for c in item.choices if c != item.answer_text]
        rng.shuffle(others)
        others.insert(place, item.answer_text)
        out.append(item.model_copy(update={"choices": others}))
    return out


def question_count(config: QuizConfig, asked: int | None) -> int:
    count = config.default_questions if asked is None else asked
    if not 1 <= count <= config.max_questions:
        raise UserError(f"A quiz asks 1 to {config.max_questions} questions.")
    return count


def seconds_per_question(
    config: QuizConfig, asked: int | None, untimed: bool = False
) -> int | None:
    """How long each question stays open: None for untimed (`untimed` or `seconds 0`, which
    override the configured default)."""
    if untimed:
        if asked:
            raise UserError("Give `seconds S` or `untimed`, not both.")
        return None
    seconds = config.default_seconds if asked is None else asked
    if seconds == 0:
        return None
    if seconds is not None and not 5 <= seconds <= config.max_seconds:
        raise UserError(
            f"`seconds` must be between 5 and {config.max_seconds}, or 0 for untimed questions."
        )
    return seconds
