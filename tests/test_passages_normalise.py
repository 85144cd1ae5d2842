"""Normalising a source text with arrays gives what the character-by-character way gave
(kept here as the reference): the same text and, for every character, the same index in
the original; on random texts made of the characters that matter."""

from __future__ import annotations

import random
import re

from bot.content.passages import WHITESPACE, normalise

_SINGLE = "\u2018\u2019\u201a\u201b\u2032`"
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033"
_TABLE = {ord(c): "'" for c in _SINGLE} | {ord(c): '"' for c in _DOUBLE}
_ELLIPSIS = re.compile(r" ?\.\.\. ?")


def reference(text: str) -> tuple[str, tuple[int, ...]]:
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
    return text_out[start:end], tuple(out_origin[start:end])


def test_the_whitespace_list_is_what_python_calls_whitespace() -> None:
    assert set(WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_normalise_gives_the_text_and_origins_of_the_character_by_character_way() -> None:
    cases = random.Random(15)
    alphabet = "ab c.\t\n\u00a0\u2003\u2026" + _SINGLE + _DOUBLE + "..."
    texts = ["", " ", "a", "\u2026", " a ... b", "x\u2026y", "....", "a  .  ..."]
    texts += [
        "".join(cases.choice(alphabet) for _ in range(cases.randint(0, 40))) for _ in range(3000)
    ]
    for text in texts:
        found = normalise(text)
        assert (found.text, tuple(found.origin)) == reference(text), repr(text)
