"""Which chapter a place's group reads now: the reading plan answers, other features ask."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.refs import Place
from bot.core.replies import Reply

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


# Told when a group's reading plan reaches a chapter (a moderator's `plan set N`): the place
# it was set in, the chapter and the command prefix; what it answers is shown with the
# plan (a chapter thread opened for it), None when it has nothing to say.
ChapterReached = Callable[[Place, int, str], Awaitable[Reply | None]]
