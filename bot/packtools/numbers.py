"""Chapter numbers as books write them: 3, III, Three, THIRTY-ONE, Sixteen."""

from __future__ import annotations

import re

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORDS = {w: n for n, w in enumerate(_UNITS)} | {w: 20 + 10 * n for n, w in enumerate(_TENS)}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
ROMAN_PATTERN = r"[IVXLCDM]+"
WORD_PATTERN = (
    r"(?:"
    + "|".join(sorted(WORDS, key=len, reverse=True))
    + r")(?:[ -](?:"
    + "|".join(_UNITS[1:10])
    + r"))?"
)


def roman(text: str) -> int | None:
    values = [_ROMAN.get(c) for c in text.lower()]
    if not values or None in values:
        return None
    total = 0
    for i, v in enumerate(values):
        assert v is not None
        following = values[i + 1] if i + 1 < len(values) else None
        total += -v if following is not None and following > v else v
    return total if total > 0 and to_roman(total) == text.upper() else None


def to_roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def number(text: str) -> int | None:
    """The chapter number `text` writes (digits, a Roman numeral or English words)."""
    text = text.strip().rstrip(".:")
    if text.isdigit():
        return int(text)
    words = [w for w in re.split(r"[ -]+", text.lower()) if w]
    if words and all(w in WORDS for w in words):
        values = [WORDS[w] for w in words]
        if len(values) == 1:
            return values[0]
        if len(values) == 2 and values[0] >= 20 and values[0] % 10 == 0 and values[1] < 10:
            return values[0] + values[1]
        return None
    return roman(text)
