"""Quotes to propose: the passages the source text quotes (see content.attribution)."""

from __future__ import annotations

import re
from typing import Any

from bot.content.attribution import quoted_passages
from bot.content.trivia_import import slug, unique_id

_WORD = re.compile(r"[\w-]+")
UNKNOWN_AUTHOR = "TODO: who wrote it"
UNKNOWN_WORK = "TODO: the work it comes from"


def _named_in(work: str, glossary: dict[str, str]) -> str | None:
    """The glossary's full name for a body or person a work's name mentions ("Resolution
    of ECCI, March 1926" -> "Executive Committee of the Communist International")."""
    words = " " + " ".join(_WORD.findall(work.casefold())) + " "
    found = [name for name in glossary if f" {name} " in words]
    return glossary[max(found, key=len)] if found else None


def suggested_quotes(text: str, taken: set[str], glossary: dict[str, str]) -> list[dict[str, Any]]:
    """One quote a passage, credited as the text credits it; `glossary` maps a short name
    to the fuller one the book's glossary gives ("Serge" -> "Victor Serge")."""
    out = []
    for passage in quoted_passages(text):
        author = passage.author
        if author is not None:
            author = glossary.get(author.casefold(), author)
        elif passage.work is not None:
            author = _named_in(passage.work, glossary)
        words = slug(passage.text.lstrip('…."“ '), 40)
        base = slug(f"{author or 'quote'}-{words}", 56)
        out.append(
            {
                "id": unique_id(base, taken),
                "text": passage.text,
                "source": {
                    "author": author or UNKNOWN_AUTHOR,
                    "work": passage.work or UNKNOWN_WORK,
                },
            }
        )
    return out
