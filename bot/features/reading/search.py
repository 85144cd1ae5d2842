"""Finding quotes and glossary entries by what a member typed. Pure: text in, matches out.

Text is compared word by word after folding case, accents and typographic apostrophes and
quotes (a curly "Stalin's" is "stalin's", and also counts as the word "stalin"); a word
matches a whole word, never part of one: "rest" is not in "interests".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.content.model import Chapter, Term

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_WORD = re.compile(r"\w+(?:'\w+)*")
# A fuzzy match is offered as the closest entry from this score (rapidfuzz's ratio, 0-100,
# of the whole folded names: "kulakk" and "kulak" score 91, "photosynthesis" and
# "proletariat" 40); names scoring from SUGGEST are suggested instead.
CLOSEST = 80
SUGGEST = 55
SHORTEST = 3  # a query of one or two letters gets suggestions, never a definition


def fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    return "".join(c for c in bare if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of a text, folded, in order."""
    return _WORD.findall(fold(text))


def word_set(text: str) -> set[str]:
    """The words of a text, each possessive also without its 's."""
    found = set(words(text))
    found |= {w[:-2] for w in found if w.endswith("'s")}
    return found


def has_words(text: str, wanted: Iterable[str]) -> bool:
    """Whether every wanted word (folded) is a whole word of the text."""
    present = word_set(text)
    return all(w in present for w in wanted)


Entry = tuple[Chapter, Term]


@dataclass(frozen=True)
class Lookup:
    """What a glossary query found: an entry (`closest` when only a fuzzy match), or none
    and the names to suggest."""

    entry: Entry | None
    closest: bool = False
    suggestions: tuple[str, ...] = ()


def _key(text: str) -> str:
    return " ".join(words(text))


def anywhere(entry: Entry) -> bool:
    return True


def look_up(
    entries: Sequence[Entry], asked: str, nameable: Callable[[Entry], bool] = anywhere
) -> Lookup:
    """An exact term or alias first, then the one entry whose name has all the words
    asked, then the closest name by spelling; otherwise suggestions. Suggestions name only
    the entries `nameable` allows (not those past the member's spoiler line: they are
    shown openly); an entry found may be any (its reply is shielded as a whole)."""
    wanted = words(asked)
    key = " ".join(wanted)
    names = [(_key(name), i) for i, (_, t) in enumerate(entries) for name in (t.term, *t.aliases)]
    for name, i in names:
        if name == key and key:
            return Lookup(entries[i])
    if len(key.replace(" ", "")) < SHORTEST:
        starting = [i for name, i in names if key and any(w.startswith(key) for w in name.split())]
        return Lookup(None, suggestions=_named(entries, starting, nameable)[:5])
    by_words = _distinct_entries(i for name, i in names if has_words(name, wanted))
    if len(by_words) == 1:
        return Lookup(entries[by_words[0]])
    if by_words:
        return Lookup(None, suggestions=_named(entries, by_words, nameable)[:5])
    scored = sorted(((fuzz.ratio(key, name), i) for name, i in names), key=lambda s: -s[0])
    best: dict[int, float] = {}
    for score, i in scored:
        best.setdefault(i, score)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if ranked and ranked[0][1] >= CLOSEST and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        return Lookup(entries[ranked[0][0]], closest=True)
    close = [i for i, score in ranked if score >= SUGGEST]
    return Lookup(None, suggestions=_named(entries, close, nameable)[:3])


def _named(
    entries: Sequence[Entry], indexes: Iterable[int], nameable: Callable[[Entry], bool]
) -> tuple[str, ...]:
    """The distinct terms of these entries, in order, leaving out those not nameable."""
    return tuple(dict.fromkeys(entries[i][1].term for i in indexes if nameable(entries[i])))


def _distinct_entries(indexes: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(indexes))
