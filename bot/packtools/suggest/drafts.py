"""Draft quiz items: for each sentence that carries a date, a number or a name, a question
that blanks it out, with the sentence as its citation, word for word. A person checks and
rewrites each one before members see it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.content.attribution import is_attribution, paragraphs
from bot.packtools.numbers import WORDS
from bot.packtools.suggest.names import names_in, sentences

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:\d{{1,2}}\s+)?(?:{_MONTHS})(?:\s+\d{{1,2}},?)?\s+\d{{4}}\b")
_YEAR = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})\b")
_NUMBER = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|" + "|".join(w for w in WORDS if w != "zero") + r"|hundred|thousand)\b",
    re.IGNORECASE,
)
BLANK = "_____"
MAX_DRAFTS = 40
MIN_WORDS = 6


@dataclass(frozen=True)
class Draft:
    item: dict[str, Any]
    line: int  # where the sentence starts in the source text


def _key(sentence: str) -> tuple[str, str, int] | None:
    """(what, the words to blank out, where) for the most telling fact of a sentence."""
    for what, pattern in (("date", _DATE), ("year", _YEAR), ("number", _NUMBER)):
        match = pattern.search(sentence)
        if match is not None:
            return what, match.group(), match.start()
    names = names_in(sentence)
    if names:
        return "name", names[0].text, names[0].start
    return None


def _question(sentence: str, what: str, answer: str, at: int) -> str:
    blanked = sentence[:at] + BLANK + sentence[at + len(answer) :]
    ask = {"date": "what date", "year": "what year", "number": "what number", "name": "what name"}
    return f"DRAFT: {ask[what]} goes in the blank? {blanked}"


def draft_items(
    text: str, chapter: int, taken: set[str], chapter_names: Sequence[str]
) -> list[Draft]:
    """The drafts for a chapter's text, in order; ids not in `taken`."""
    out: list[Draft] = []
    for par in paragraphs(text):
        if is_attribution(par.text):
            continue
        for sentence in sentences(par.text):
            sentence = " ".join(sentence.split())
            if len(sentence.split()) < MIN_WORDS:
                continue
            key = _key(sentence)
            if key is None:
                continue
            what, answer, at = key
            n = len(out) + 1
            item_id = f"draft-{chapter}-{n}"
            while item_id in taken:
                n += 1
                item_id = f"draft-{chapter}-{n}"
            taken.add(item_id)
            others = _distractors(answer, chapter_names) if what == "name" else []
            choices = sorted([answer, *others], key=str.casefold) if len(others) >= 2 else []
            item: dict[str, Any] = {
                "id": item_id,
                "kind": "choice" if choices else "text",
                "question": _question(sentence, what, answer, at),
                **({"choices": choices} if choices else {}),
                "answer": answer,
                "explanation": f"DRAFT: the text says so; check and rewrite. ({what})",
                "citation": sentence,
            }
            line = text.count("\n", 0, par.start) + 1
            out.append(Draft(item, line))
            if len(out) >= MAX_DRAFTS:
                return out
    return out


def _distractors(answer: str, names: Sequence[str]) -> list[str]:
    """Up to three other names of the chapter, as unlike the answer as can be told."""
    seen = {answer.casefold()}
    out = []
    size = len(answer.split())
    for name in sorted(names, key=lambda n: len(n.split()) != size):
        key = name.casefold()
        if key in seen or key in answer.casefold() or answer.casefold() in key:
            continue
        seen.add(key)
        out.append(name)
        if len(out) == 3:
            break
    return out
