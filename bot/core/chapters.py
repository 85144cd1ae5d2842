"""Which chapter a place's group reads now: the reading plan answers, other features ask."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.refs import Place

# The chapter a place reads now (from its group's reading plan); None when no plan is set.
CurrentChapter = Callable[[Place], Awaitable[int | None]]


async def no_plan(place: Place) -> int | None:
    return None


@dataclass(frozen=True)
class Reading:
    """What a place's group reads now: its book, and the plan's chapter when one is set."""

    book_id: str
    chapter: int | None = None


# The book and chapter a place's group reads now (participation counts activity under them).
ReadingOf = Callable[[Place], Awaitable[Reading]]
