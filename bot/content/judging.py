"""Judging a member's answer to a quiz item, and what is shown after it: the right answer
and where it comes from. Pure; shared by every feature that asks quiz items."""

from __future__ import annotations

import re
import unicodedata

from bot.content.answers import matches, normalise
from bot.content.model import QuizItem
from bot.core.commands import UserError
from bot.core.replies import LETTERS

# A letter as members write it: `b`, `b)`, `(c)`, `c.`, `d:`.
_LETTER = re.compile(r"\(?\s*([A-Za-z])\s*[).:]?")

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_TRUE = frozenset({"true", "t", "yes", "y"})
_FALSE = frozenset({"false", "f", "no", "n"})


def judge(item: QuizItem, raw: str) -> tuple[str, bool]:
    """What a member said, as shown back to them, and whether it is right.

    Lettered items take a letter (`b`, `b)`, `(c)`), the text of an option, or the start of
    one option's text when no other option starts that way; true/false items also take
    yes/no. Raises UserError when the answer is not one of the options.
    """
    text = raw.strip()
    if not text:
        raise UserError("Say what your answer is, e.g. `answer B`.")
    options = item.options
    if not options:
        return text[:200], matches(text, [item.answer_text, *item.accept])
    index = option_index(item, text)
    if index is None:
        letters = ", ".join(LETTERS[: len(options)])
        raise UserError(
            f"Answer with one of the letters {letters}, or the start of one choice's text."
        )
    return f"{LETTERS[index]}) {options[index]}", index == item.correct_index


def option_index(item: QuizItem, text: str) -> int | None:
    """Which option a member's answer names, or None when it names none (or several)."""
    options = item.options
    letter = _LETTER.fullmatch(text)
    if letter is not None and letter[1].upper() in LETTERS[: len(options)]:
        return LETTERS.index(letter[1].upper())
    if item.kind == "truefalse" and text.lower() in _TRUE | _FALSE:
        return 0 if text.lower() in _TRUE else 1
    said = normalise(text)
    found = [i for i, option in enumerate(options) if normalise(option) == said]
    if len(found) == 1:
        return found[0]
    start = _fold(text)
    if len(start) < 2:
        return None
    found = [i for i, option in enumerate(options) if _fold(option).startswith(start)]
    return found[0] if len(found) == 1 else None


def _fold(text: str) -> str:
    """Text compared by its start: case, accents, typographic quotes and spacing folded."""
    bare = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    bare = "".join(c for c in bare if not unicodedata.combining(c)).casefold()
    return " ".join(bare.split())


def shown_answer(item: QuizItem) -> str:
    index = item.correct_index
    if index is None:
        return item.answer_text
    return f"{LETTERS[index]}) {item.options[index]}"


def provenance(item: QuizItem) -> str:
    """Where the answer comes from: the passage of the text it cites, or, for an item that
    cites none (an imported one), its stated source; never made-up text shown as a quote."""
    if item.citation is not None:
        return f"From the text: “{item.citation}”"
    return f"Source: {item.source}"
