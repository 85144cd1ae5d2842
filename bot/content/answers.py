"""Free-text answers: normalisation and matching.

A guess matches when, after normalisation, it equals the answer or one of its accepted
variants, or differs from one by a small misspelling. Normalisation folds case, accents,
typographic quotes and punctuation, drops a leading article and writes numbers as digits
("ten" and "10" are the same; "nineteen twenty-six" is the year 1926, never 19 + 26). Matching compares the whole guess with the whole answer,
never a part of it: "new yorkshire" is not "New York", and "paris or london" (several
guesses at once) is not "Paris". Short answers and numbers must be exact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

ARTICLES = frozenset({"the", "a", "an"})

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}

# Typographic quotes and dashes people paste from word processors.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark
        "\u201a": "'",  # single low-9 quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u2032": "'",  # prime
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
        "\u201e": '"',  # double low-9 quotation mark
        "\u00ab": '"',  # guillemets
        "\u00bb": '"',
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u00df": "ss",  # letters that do not decompose into a base letter and an accent
        "\u00e6": "ae",
        "\u0153": "oe",
        "\u00f8": "o",
        "\u0142": "l",
        "\u0111": "d",
    }
)
_APOSTROPHES = re.compile(r"(?<=\w)'(?=\w)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Digits grouped with commas ("1,000") lose their commas before punctuation goes.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def fold(text: str) -> str:
    """Lower case, no accents, plain quotes."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_TRANSLATE)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _parse_number(words: list[str], i: int) -> tuple[int, int]:
    """The value of the one well-formed number that starts at words[i] (a unit or tens
    word) and the index after it: "twenty one" is 21, "one hundred and five" is 105, but
    "one two" stops after "one" and "nineteen twenty" stops after "nineteen"."""
    total = 0  # thousands and millions already closed
    current = 0  # the part below the next scale word
    last = ""  # "unit", "teen", "tens", "hundred" or "scale": what the previous word was
    scale_limit = 10**12  # a scale word must be smaller than the one before it
    j = i
    while j < len(words):
        w = words[j]
        if w in _UNITS:
            value = _UNITS[w]
            kind = "unit" if value < 10 else "teen"
            # after a tens word only a unit goes ("twenty one"), never a teen
            fits = last in ("", "hundred", "scale") or (last == "tens" and kind == "unit")
            if not fits:
                break
            current += value
            last = kind
        elif w in _TENS:
            if last not in ("", "hundred", "scale"):
                break
            current += _TENS[w]
            last = "tens"
        elif w == "hundred" and last in ("unit", "teen", "tens") and current < 100:
            current *= 100
            last = "hundred"
        elif w in _SCALES and w != "hundred" and last and current and _SCALES[w] < scale_limit:
            scale_limit = _SCALES[w]
            total += current * scale_limit
            current = 0
            last = "scale"
        elif (
            w == "and"
            and last in ("hundred", "scale")
            and j + 1 < len(words)
            and (words[j + 1] in _UNITS or words[j + 1] in _TENS)
        ):
            pass
        else:
            break
        j += 1
    return total + current, j


def _numbers_as_digits(words: list[str]) -> list[str]:
    """Replace each number written in words by its digits: "twenty one" -> "21", "one
    hundred and five" -> "105". Number words that do not make one number stay separate
    numbers ("one two three" -> "1 2 3"), except a year said in pairs: "nineteen
    twenty-six" -> "1926"."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] not in _UNITS and words[i] not in _TENS:
            out.append(words[i])
            i += 1
            continue
        value, j = _parse_number(words, i)
        if j == i + 1 and 11 <= value <= 20 and j < len(words) and words[j] in _TENS | _UNITS:
            low, k = _parse_number(words, j)
            if 10 <= low <= 99:
                value, j = value * 100 + low, k
        out.append(str(value))
        i = j
    return out


def normalise(text: str) -> str:
    """The comparable form of an answer: "The Ten Days!" -> "10 days"."""
    text = fold(text)
    text = _APOSTROPHES.sub("", text)  # "o'brien" -> "obrien", "lenin's" -> "lenins"
    text = _THOUSANDS.sub("", text)
    words = _NON_WORD.sub(" ", text).split()
    words = _numbers_as_digits(words)
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def allowed_typos(answer: str) -> int:
    """How many single-letter edits a guess may differ by from this normalised answer."""
    letters = len(answer.replace(" ", ""))
    if letters < 6:
        return 0
    if letters < 10:
        return 1
    return 2


def _digits(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def matches(guess: str, answers: Iterable[str]) -> bool:
    """Whether a member's free-text guess is one of the accepted answers."""
    said = normalise(guess)
    if not said:
        return False
    for answer in answers:
        wanted = normalise(answer)
        if not wanted:
            continue
        if said == wanted or said.replace(" ", "") == wanted.replace(" ", ""):
            return True
        # Numbers are never "nearly right", and the guess must be the same number of words:
        # a misspelling changes letters, it does not add a guess or a word.
        if _digits(said) != _digits(wanted) or len(said.split()) != len(wanted.split()):
            continue
        limit = allowed_typos(wanted)
        if limit and Levenshtein.distance(said, wanted, score_cutoff=limit) <= limit:
            return True
    return False
