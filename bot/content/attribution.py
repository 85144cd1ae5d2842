"""What a source text quotes, and from which work: the passages in quotation marks and the
block passages that stand before a short line naming their work.

A book like the shipped one quotes others this way:

    "We know that Chiang is preparing the betrayal", wrote Serge,     <- lead-in (narrator)

    We are not permitted to speak. ...                                <- block passage

    From Lenin to Stalin                                              <- attribution line

The lead-in is the narrator's; the block between it and the attribution line is the quoted
author's, and so is a passage in quotation marks inside the lead-in. A passage in quotation
marks elsewhere is credited to the work named in brackets right after it, when there is one
("... order". (Resolution of ECCI, March 1926)). Used by `pack suggest` to propose quotes
and by validate to warn about quotes credited to the wrong work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.content.passages import Normalised, normalise

# The longest line taken for a work's name, in words, and the most paragraphs a block runs
# back from its attribution line to its lead-in.
_WORK_WORDS = 8
_BLOCK_PARAGRAPHS = 8
# Shorter passages in quotation marks are a word held at arm's length ("lefts"), not a quote.
MIN_QUOTE_WORDS = 4

_SAY = (
    r"(?:wrote|writes|explains|explained|says|said|recalls|recalled|notes|noted|adds|added|"
    r"declares|declared|asserts|asserted|continues|continued|puts it|observes|observed)"
)
_NAME = r"[A-Z][\w\u2019'.-]*(?:\s+[A-Z][\w\u2019'.-]*){0,3}"
_AUTHOR_AFTER = re.compile(rf"\b{_SAY}\s+({_NAME})")
_AUTHOR_BEFORE = re.compile(rf"({_NAME})\s+{_SAY}\b")
_LEAD_END = re.compile(rf"\b{_SAY}\b[^.!?]{{0,40}}[.:,]?\s*$")
_SMALL = frozenset({"a", "an", "and", "the", "of", "to", "in", "on", "for", "from", "by", "at"})
# Capitalised words that start a sentence before a name ("Then Trotsky explains:").
_STARTERS = frozenset(
    ["again", "and", "as", "but", "here", "later", "now", "so", "then", "there", "thus", "when"]
)
_QUOTED = re.compile(r"“([^“”]+)”|\"([^\"]+)\"")
_BRACKETED_WORK = re.compile(r"\s*[.,;]?\s*\(([^()]{3,100})\)")
_WORD = re.compile(r"[\w\u2019'-]+")
_HEADING = re.compile(r"\bchapter\b", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int  # offset in the source text


@dataclass(frozen=True)
class Passage:
    """A passage the source quotes, word for word, with what the text says of its origin."""

    text: str
    kind: Literal["block", "inline"]
    work: str | None = None
    author: str | None = None


def paragraphs(text: str) -> list[Paragraph]:
    """The text's paragraphs (separated by blank lines), stripped, with their offsets."""
    out = []
    for match in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        out.append(Paragraph(match.group().strip(), match.start()))
    return out


def is_attribution(text: str) -> bool:
    """A short line in title case with no closing punctuation: the name of a work."""
    if "\n" in text or _HEADING.search(text):
        return False
    words = _WORD.findall(text)
    if not words or len(words) > _WORK_WORDS or text[-1] in '.,;:!?…”"\u2019)':
        return False
    if not text[0].isupper():
        return False
    big = [w for w in words if w.lower() not in _SMALL]
    return bool(big) and all(w[0].isupper() or w[0].isdigit() for w in big)


def is_lead_in(text: str) -> bool:
    """A paragraph that hands over to a quoted passage: it ends with a colon or a comma, or
    with a verb of saying ("..., Trotsky wrote.")."""
    tail = text[-80:]
    return text.endswith((":", ",")) or bool(_LEAD_END.search(tail))


def author_in(lead_in: str) -> str | None:
    """The person a lead-in names as speaking ("wrote Serge" -> "Serge")."""
    tail = lead_in[-80:]
    for pattern in (_AUTHOR_AFTER, _AUTHOR_BEFORE):
        found = list(pattern.finditer(tail))
        if found:
            words = found[-1].group(1).strip(" .,:").split()
            while len(words) > 1 and words[0].casefold() in _STARTERS:
                words = words[1:]
            return " ".join(words)
    return None


def quoted_passages(text: str) -> list[Passage]:
    """Every passage the text quotes, in order: block passages (one a paragraph) credited to
    the work on the line after them, and passages in quotation marks of at least
    MIN_QUOTE_WORDS words."""
    pars = paragraphs(text)
    quoted: dict[int, tuple[str, str | None]] = {}  # paragraph -> (work, author)
    leads: dict[int, tuple[str | None, str | None]] = {}
    for k, par in enumerate(pars):
        if k == 0 or not is_attribution(par.text) or is_attribution(pars[k - 1].text):
            continue
        j = k - 1
        while j > 0 and k - j < _BLOCK_PARAGRAPHS:
            before = pars[j - 1].text
            if is_lead_in(before) or is_attribution(before):
                break
            j -= 1
        lead = j - 1 if j > 0 and is_lead_in(pars[j - 1].text) else None
        if lead is None:
            j = k - 1  # no lead-in: only the paragraph right before the work's name
        author = author_in(pars[lead].text) if lead is not None else None
        for n in range(j, k):
            quoted[n] = (par.text, author)
        if lead is not None:
            leads[lead] = (par.text, author)
    names = {k for k, par in enumerate(pars) if k in quoted or is_attribution(par.text)}
    out: list[Passage] = []
    for k, par in enumerate(pars):
        if k in quoted:
            work, author = quoted[k]
            out.append(Passage(par.text, "block", work, author))
            continue
        if k in names:
            continue
        for match in _QUOTED.finditer(par.text):
            inner = (match.group(1) or match.group(2)).strip()
            if len(_WORD.findall(inner)) < MIN_QUOTE_WORDS:
                continue
            named, author = leads.get(k, (None, None))
            if named is None:
                bracket = _BRACKETED_WORK.match(par.text, match.end())
                named = bracket.group(1).strip() if bracket else None
            out.append(Passage(inner, "inline", named, author))
    return out


def attribution_lines(text: str) -> list[str]:
    """The short lines that name the work of the block passage before them."""
    pars = paragraphs(text)
    return [
        par.text
        for k, par in enumerate(pars)
        if k > 0 and is_attribution(par.text) and not is_attribution(pars[k - 1].text)
    ]


def _work_words(work: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(work) if w.casefold() not in _SMALL}


def same_work(one: str, other: str) -> bool:
    """Whether two names of a work agree: every word of the shorter name (small words set
    aside) is in the longer ("Resolution, March 1926" and "Resolution of ECCI, March 1926")."""
    a, b = _work_words(one), _work_words(other)
    return bool(a and b) and (a <= b or b <= a)


def _normalised(text: str | Normalised) -> str:
    return (text if isinstance(text, Normalised) else normalise(text)).text


def occurrences(source: str | Normalised, passage: str | Normalised) -> int:
    """How often `passage` appears in `source` as whole words, both normalised."""
    hay, wanted = _normalised(source), _normalised(passage)
    if not wanted:
        return 0
    count, at = 0, hay.find(wanted)
    while at != -1:
        end = at + len(wanted)
        cut_start = at > 0 and hay[at - 1].isalnum() and wanted[0].isalnum()
        cut_end = end < len(hay) and hay[end].isalnum() and wanted[-1].isalnum()
        count += not cut_start and not cut_end
        at = hay.find(wanted, at + 1)
    return count


def inside(passage: str, quote: str) -> bool:
    """Whether `quote` lies within `passage`, both normalised."""
    return occurrences(passage, quote) > 0
