"""Finding a quoted passage in a source text, word for word but forgiving typography.

Whitespace runs count as one space, typographic quote marks and apostrophes count as
straight ones, `…` counts as `...` and an ellipsis always has one space on each side. When a
passage is not found, `closest_passage` says where the source is most alike and what the
first difference is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

_SINGLE = "‘’‚‛′`"  # noqa: RUF001 (these are the typographic marks being normalised)
_DOUBLE = "“”„‟″"
_TABLE = {ord(c): "'" for c in _SINGLE} | {ord(c): '"' for c in _DOUBLE}
_ELLIPSIS = re.compile(r" ?\.\.\. ?")


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, for each of its characters, the index it came from."""

    text: str
    origin: tuple[int, ...]


def normalise(text: str) -> Normalised:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(i)
            continue
        if ch == "…":
            chars.extend("...")
            origin.extend((i, i, i))
            continue
        chars.append(ch.translate(_TABLE))
        origin.append(i)
    flat = "".join(chars)
    # The spaces around an ellipsis vary between editions: always one on each side.
    out: list[str] = []
    out_origin: list[int] = []
    pos = 0
    for match in _ELLIPSIS.finditer(flat):
        out.append(flat[pos : match.start()])
        out_origin.extend(origin[pos : match.start()])
        dots = match.group().index(".") + match.start()
        out.append(" ... ")
        out_origin.extend([origin[dots], *origin[dots : dots + 3], origin[dots + 2]])
        pos = match.end()
    out.append(flat[pos:])
    out_origin.extend(origin[pos:])
    text_out = "".join(out)
    start = len(text_out) - len(text_out.lstrip(" "))
    end = len(text_out.rstrip(" "))
    return Normalised(text_out[start:end], tuple(out_origin[start:end]))


def contains(source: Normalised, passage: str) -> bool:
    """Whether `passage` appears word for word in `source` (after normalising both), not
    starting or ending in the middle of a word."""
    wanted = normalise(passage).text
    if not wanted:
        return False
    hay = source.text
    at = hay.find(wanted)
    while at != -1:
        end = at + len(wanted)
        cut_start = at > 0 and hay[at - 1].isalnum() and wanted[0].isalnum()
        cut_end = end < len(hay) and hay[end].isalnum() and wanted[-1].isalnum()
        if not cut_start and not cut_end:
            return True
        at = hay.find(wanted, at + 1)
    return False


@dataclass(frozen=True)
class Closest:
    passage: str  # from the original source text, whitespace collapsed
    score: float  # 0..100, how alike
    difference: str  # the first difference, in words ("" when none found)

    def describe(self, limit: int = 240) -> str:
        shown = self.passage if len(self.passage) <= limit else self.passage[: limit - 1] + "…"
        diff = f"; first difference: {self.difference}" if self.difference else ""
        return f'closest passage ({self.score:.0f}% alike): "{shown}"{diff}'


def closest_passage(source_text: str, source: Normalised, passage: str) -> Closest | None:
    """The passage of the source most like `passage`, or None for an empty source."""
    wanted = normalise(passage).text
    hay = source.text
    if not hay or not wanted:
        return None
    if len(wanted) >= len(hay):
        start, end, score = 0, len(hay), fuzz.ratio(wanted, hay)
    else:
        found = fuzz.partial_ratio_alignment(wanted, hay)
        if found is None:
            return None
        start, end, score = found.dest_start, found.dest_end, found.score
    start, end, score = _refine(wanted, hay, start, end, score)
    original = source_text[source.origin[start] : source.origin[end - 1] + 1]
    shown = " ".join(original.split())
    return Closest(shown, score, _first_difference(wanted, hay[start:end]))


def _refine(wanted: str, hay: str, start: int, end: int, score: float) -> tuple[int, int, float]:
    """Move the ends of the aligned window to the word boundaries nearby that make the
    passage most like `wanted` as a whole (the alignment may cut a word or miss one)."""
    slack = max(12, len(wanted) // 5)
    starts = [
        i
        for i in range(max(0, start - slack), min(len(hay), start + slack))
        if _starts_word(hay, i)
    ]
    ends = [
        i for i in range(max(1, end - slack), min(len(hay), end + slack) + 1) if _ends_word(hay, i)
    ]
    best = (start, end, score)
    best_ratio = -1.0
    for s in starts or [start]:
        for e in ends or [end]:
            if e <= s:
                continue
            ratio = fuzz.ratio(wanted, hay[s:e])
            if ratio > best_ratio:
                best, best_ratio = (s, e, ratio), ratio
    return best


def _starts_word(text: str, i: int) -> bool:
    return i == 0 or (text[i - 1] == " " and text[i] != " ")


def _ends_word(text: str, i: int) -> bool:
    return i == len(text) or (text[i] == " " and text[i - 1] != " ")


def _first_difference(wanted: str, found: str) -> str:
    ours, theirs = wanted.split(), found.split()
    # Compare words without the punctuation around them: a quote may leave it out.
    matcher = difflib.SequenceMatcher(
        a=[_bare(w) for w in ours], b=[_bare(w) for w in theirs], autojunk=False
    )
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        mine = " ".join(ours[a1:a2])
        source = " ".join(theirs[b1:b2])
        if tag == "replace":
            return f"{_clip(mine)!r} where the source has {_clip(source)!r}"
        if tag == "delete":
            return f"{_clip(mine)!r} is not in the source"
        if tag == "insert" and 0 < a1 < len(ours):
            return f"the source has {_clip(source)!r} after {_clip(ours[a1 - 1])!r}"
    return ""


def _bare(word: str) -> str:
    return word.strip("\"'.,;:!?()[]") or word


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
