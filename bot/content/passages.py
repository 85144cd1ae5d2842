"""Finding a quoted passage in a source text, word for word but forgiving typography.

Whitespace runs count as one space, typographic quote marks and apostrophes count as
straight ones, `…` counts as `...` and an ellipsis always has one space on each side. When a
passage is not found, `closest_passage` says where the source is most alike and what the
first difference is.
"""

from __future__ import annotations

import difflib
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz

_SINGLE = "‘’‚‛′`"  # noqa: RUF001 (these are the typographic marks being normalised)
_DOUBLE = "“”„‟″"
_ELLIPSIS = re.compile(r" ?\.\.\. ?")


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, for each of its characters, the index it came from."""

    text: str
    origin: Sequence[int]


# What Python's str.isspace() calls whitespace (a test checks the list against it).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACES = np.array([ord(c) for c in WHITESPACE], dtype=np.uint32)
_DOT, _SPACE, _ELLIPSIS_CHAR = ord("."), ord(" "), ord("…")
_SINGLES = np.array([ord(c) for c in _SINGLE], dtype=np.uint32)
_DOUBLES = np.array([ord(c) for c in _DOUBLE], dtype=np.uint32)
_APOSTROPHE, _QUOTE = ord("'"), ord('"')


def normalise(text: str) -> Normalised:
    """Whitespace runs become one space (none at the start), `…` three dots, typographic
    quote marks straight ones, then every ellipsis gets one space on each side. The
    character work runs on arrays of code points (numpy), so megabytes take a fraction of a
    second; only the ellipses are handled one by one."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    codes = np.where(np.isin(codes, _SINGLES), _APOSTROPHE, codes)
    codes = np.where(np.isin(codes, _DOUBLES), _QUOTE, codes)
    space = np.isin(codes, _SPACES)
    # A whitespace character is kept (as a space) when it starts a run that is not the
    # first thing in the text; every other character is kept.
    before = np.concatenate(([True], space[:-1]))
    keep = ~space | ~before
    kept = np.flatnonzero(keep)
    chars = np.where(space, _SPACE, codes)[kept]
    repeat = np.where(chars == _ELLIPSIS_CHAR, 3, 1)
    origin = np.repeat(kept, repeat)
    chars = np.repeat(np.where(chars == _ELLIPSIS_CHAR, _DOT, chars), repeat)
    joined = chars.astype(np.uint32).tobytes().decode("utf-32-le")
    # The spaces around an ellipsis vary between editions: always one on each side.
    out: list[str] = []
    parts: list[np.ndarray[Any, Any]] = []
    pos = 0
    for match in _ELLIPSIS.finditer(joined):
        out.append(joined[pos : match.start()])
        parts.append(origin[pos : match.start()])
        dots = match.group().index(".") + match.start()
        out.append(" ... ")
        parts.append(origin[[dots, dots, dots + 1, dots + 2, dots + 2]])
        pos = match.end()
    out.append(joined[pos:])
    parts.append(origin[pos:])
    text_out = "".join(out)
    merged = np.concatenate(parts) if len(parts) > 1 else origin
    start = len(text_out) - len(text_out.lstrip(" "))
    end = len(text_out.rstrip(" "))
    positions = array("q")
    positions.frombytes(merged[start:end].astype(np.int64).tobytes())
    return Normalised(text_out[start:end], positions)


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
        found = _align(wanted, hay)
        if found is None:
            return None
        start, end, score = found
    start, end, score = _refine(wanted, hay, start, end, score)
    original = source_text[source.origin[start] : source.origin[end - 1] + 1]
    shown = " ".join(original.split())
    return Closest(shown, score, _first_difference(wanted, hay[start:end]))


# Quotes this long are aligned near where their pieces occur in the source, not against
# the whole source (which grows with the quote's length times the source's).
ANCHORED = 256
SHINGLE = 16  # characters of each piece looked up
PROBES = 96  # pieces looked up per quote
HITS = 16  # a piece found more often than this says little, and is not counted
# Below this many pairs of candidate ends every pair is tried; above it, each end in turn.
EXHAUSTIVE = 1024


def _align(wanted: str, hay: str) -> tuple[int, int, float] | None:
    """Where in `hay` the text most like `wanted` is: (start, end, score)."""
    if len(wanted) >= ANCHORED:
        for window in _windows(wanted, hay):
            found = fuzz.partial_ratio_alignment(wanted, hay[window : window + 3 * len(wanted)])
            if found is not None and found.score > 0:
                return window + found.dest_start, window + found.dest_end, found.score
    found = fuzz.partial_ratio_alignment(wanted, hay)
    if found is None:
        return None
    return found.dest_start, found.dest_end, found.score


def _windows(wanted: str, hay: str) -> list[int]:
    """Where a window of three times the quote's length would hold the quote best: pieces
    of the quote are found in `hay` (str.find, linear), each occurrence votes for where
    the quote would start, and the most voted place comes first."""
    votes: dict[int, int] = {}
    step = max(1, (len(wanted) - SHINGLE) // PROBES)
    bucket = len(wanted)
    for at in range(0, len(wanted) - SHINGLE + 1, step):
        piece = wanted[at : at + SHINGLE]
        hits: list[int] = []
        found = hay.find(piece)
        while found != -1 and len(hits) <= HITS:
            hits.append((found - at) // bucket)
            found = hay.find(piece, found + 1)
        if len(hits) <= HITS:
            for origin in hits:
                votes[origin] = votes.get(origin, 0) + 1
    if not votes:
        return []
    best = max(votes.values())
    places = sorted((o for o, n in votes.items() if n == best), key=lambda o: o)[:3]
    return [max(0, (o - 1) * bucket) for o in places]


def _refine(wanted: str, hay: str, start: int, end: int, score: float) -> tuple[int, int, float]:
    """Move the ends of the aligned window to the word boundaries nearby that make the
    passage most like `wanted` as a whole (the alignment may cut a word or miss one).
    Short quotes try every pair of ends; long ones move one end at a time to its best place
    and then the other, until neither moves (a handful of rounds, each linear in the
    candidates)."""
    slack = max(12, len(wanted) // 5)
    starts = [
        i
        for i in range(max(0, start - slack), min(len(hay), start + slack))
        if _starts_word(hay, i)
    ]
    ends = [
        i for i in range(max(1, end - slack), min(len(hay), end + slack) + 1) if _ends_word(hay, i)
    ]
    starts, ends = starts or [start], ends or [end]
    if len(starts) * len(ends) > EXHAUSTIVE:
        return _descend(wanted, hay, starts, ends, (start, end, score))
    best = (start, end, score)
    best_ratio = -1.0
    for s in starts:
        for e in ends:
            if e <= s:
                continue
            ratio = fuzz.ratio(wanted, hay[s:e])
            if ratio > best_ratio:
                best, best_ratio = (s, e, ratio), ratio
    return best


def _descend(
    wanted: str,
    hay: str,
    starts: list[int],
    ends: list[int],
    aligned: tuple[int, int, float],
) -> tuple[int, int, float]:
    """The best ends found one at a time: every start against the current end, then every
    end against the current start, until neither moves. Each sweep is one pass of a
    bit-parallel LCS over the stretch of `hay` it covers, which gives fuzz.ratio for every
    candidate of the sweep at once."""
    forward, backward = _Lcs(wanted), _Lcs(wanted[::-1])
    s = min(starts, key=lambda i: abs(i - aligned[0]))
    e = min(ends, key=lambda i: abs(i - aligned[1]))
    best: tuple[int, int, float] = (s, e, -1.0)
    for _ in range(6):
        moved = False
        # Every start against the current end: hay read backwards from the end.
        firsts = [i for i in starts if i < best[1]]
        if firsts:
            lcs = backward.prefixes(hay[firsts[0] : best[1]][::-1])
            for i in firsts:
                r = _ratio(len(wanted), best[1] - i, lcs[best[1] - i])
                if r > best[2]:
                    best, moved = (i, best[1], r), True
        # Every end against the current start: hay read forwards from the start.
        lasts = [i for i in ends if i > best[0]]
        if lasts:
            lcs = forward.prefixes(hay[best[0] : lasts[-1]])
            for i in lasts:
                r = _ratio(len(wanted), i - best[0], lcs[i - best[0]])
                if r > best[2]:
                    best, moved = (best[0], i, r), True
        if not moved:
            break
    return best if best[2] >= 0 else aligned


def _ratio(length: int, other: int, lcs: int) -> float:
    """fuzz.ratio from the length of the longest common subsequence (the Indel distance
    is the two lengths less twice it)."""
    total = length + other
    return 100.0 * (1.0 - (total - 2 * lcs) / total) if total else 100.0


class _Lcs:
    """The longest common subsequence of one text with every prefix of another, in one
    pass (the bit-vector method of Allison and Dix / Hyyrö): a bit per character of the
    text, a few integer operations per character of the other."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.all = (1 << len(text)) - 1
        self.masks: dict[str, int] = {}
        for i, ch in enumerate(text):
            self.masks[ch] = self.masks.get(ch, 0) | (1 << i)

    def prefixes(self, other: str) -> list[int]:
        """[LCS(text, other[:k]) for k in 0..len(other)]."""
        v = self.all
        out = [0]
        masks, full, length = self.masks, self.all, self.length
        for ch in other:
            u = v & masks.get(ch, 0)
            v = ((v + u) | (v - u)) & full
            out.append(length - v.bit_count())
        return out


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
