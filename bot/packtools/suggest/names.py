"""Names in a text: capitalised words and runs of them ("Chiang Kai-shek", "Trades Union
Congress"), and acronyms (TUC). A word that only starts sentences is not a name."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_CAP = r"[A-Z][\w\u2019'-]*"
_RUN = re.compile(rf"{_CAP}(?:\s+(?:of\s+(?:the\s+)?)?{_CAP})*")
_POSSESSIVE = re.compile(r"[\u2019']s$")
_SENTENCE = re.compile(r"(?<=[.!?…”\"])\s+(?=[“\"\u2018(\[]?[A-Z])")
ACRONYM = re.compile(r"^[A-Z]{2,}$")
_NOT_NAMES = frozenset({"I", "A", "An", "The", "This", "That", "These", "Those", "It"})
# Words that start sentences without being names ("In Britain", "After Germany").
_STARTERS = frozenset(
    [
        "a",
        "after",
        "again",
        "although",
        "an",
        "and",
        "as",
        "at",
        "before",
        "but",
        "by",
        "during",
        "even",
        "for",
        "from",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "it",
        "its",
        "many",
        "meantime",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "once",
        "our",
        "she",
        "since",
        "so",
        "some",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "thus",
        "to",
        "under",
        "until",
        "we",
        "what",
        "when",
        "where",
        "while",
        "who",
        "why",
        "with",
        "yet",
        "you",
    ]
)


@dataclass(frozen=True)
class Name:
    text: str
    start: int  # offset in its sentence


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph) if s.strip()]


def names_in(sentence: str) -> list[Name]:
    """The names in one sentence; its first word only when more words follow it capitalised."""
    out = []
    for match in _RUN.finditer(sentence):
        text = _POSSESSIVE.sub("", match.group())
        first = match.start() == len(sentence) - len(sentence.lstrip('“"\u2018([ '))
        words = text.split()
        if first and len(words) == 1:
            continue
        if first and words[0].casefold() in _STARTERS:
            text = " ".join(words[1:])
            if len(words) == 2:
                continue
            out.append(Name(text, match.start() + len(words[0]) + 1))
            continue
        if text in _NOT_NAMES or len(text) < 2:
            continue
        out.append(Name(text, match.start()))
    return out


def counted_names(paragraphs: list[str]) -> Counter[str]:
    """How often each name is used in the paragraphs (acronyms counted alike)."""
    counts: Counter[str] = Counter()
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            for name in names_in(sentence):
                counts[name.text] += 1
    return counts
