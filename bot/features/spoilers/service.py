"""Each group's spoiler mode, and the line it draws for a member: the plan's chapter, or
the member's own last check-in. What this feature needs of the reading plan comes from the
composition root: the plan's chapter (`CurrentChapter`) and a member's last check-in
(`Position`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.chapters import CurrentChapter, no_plan
from bot.core.clock import Clock
from bot.core.refs import GroupRef, MemberRef, Place
from bot.core.spoilers import NO_LINE, Line, SpoilerMode
from bot.features.spoilers.repo import SpoilersRepo

# The chapter of a member's last check-in in the place's group and book (None: none yet).
Position = Callable[[Place, MemberRef], Awaitable[int | None]]

PLAN_SOURCE = "the plan's chapter"
OWN_SOURCE = "your check-in"


async def no_position(place: Place, member: MemberRef) -> int | None:
    return None


class SpoilersService:
    def __init__(
        self,
        repo: SpoilersRepo,
        clock: Clock,
        current_chapter: CurrentChapter = no_plan,
        position: Position = no_position,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.current_chapter = current_chapter
        self.position = position

    async def mode(self, group: GroupRef) -> SpoilerMode:
        """The group's mode; off until a moderator sets one."""
        return await self.repo.mode(group) or SpoilerMode.OFF

    async def set_mode(self, group: GroupRef, mode: SpoilerMode) -> None:
        await self.repo.set_mode(group, mode, self.clock.now())

    async def line_of(self, place: Place, member: MemberRef | None) -> Line:
        """The app's LineOf: the last chapter shown openly to `member` at `place` (to the
        whole channel when `member` is None)."""
        mode = await self.mode(place.group)
        if mode is SpoilerMode.OFF:
            return NO_LINE
        if mode is SpoilerMode.MEMBER and member is not None:
            own = await self.position(place, member)
            if own is not None:
                return Line(own, OWN_SOURCE)
        planned = await self.current_chapter(place)
        return Line(planned, PLAN_SOURCE) if planned is not None else NO_LINE
