"""Checks across a whole pack that the schema alone cannot make."""

from __future__ import annotations

from pathlib import Path

from bot.core.content import Library
from bot.core.yamldoc import Problem


def check_library(library: Library, root: Path) -> list[Problem]:
    """Every problem found across the library (duplicate ids, quotes not in their source)."""
    problems: list[Problem] = []
    for book in library.books:
        seen: dict[str, str] = {}
        for chapter in book.chapters:
            for kind, items in (("quote", chapter.quotes), ("quiz item", chapter.quiz)):
                for item in items:
                    key = f"{kind}:{item.id}"
                    where = f"chapter {chapter.number}"
                    if key in seen:
                        problems.append(
                            Problem(
                                book.meta.id,
                                None,
                                where,
                                f"{kind} id {item.id!r} is used twice ({seen[key]} and {where})",
                            )
                        )
                    seen[key] = where
    return problems
