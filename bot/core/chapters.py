"""Which chapter a place's group reads now: the reading plan answers, other features ask."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.refs import Place

# The chapter a place reads now (from its group's reading plan); None when no plan is set.
CurrentChapter = Callable[[Place], Awaitable[int | None]]


async def no_plan(place: Place) -> int | None:
    return None
