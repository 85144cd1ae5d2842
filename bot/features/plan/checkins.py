"""The plan's check-ins as the core's CheckIns, for other features (a chapter poll's vote
checks a member in) through the composition root."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.refs import MemberRef, Place
from bot.features.plan.service import PlanService


class PlanCheckIns:
    """`is_opted_out` (the privacy feature's, from the root): a check-in that comes from
    no command (a poll vote) is refused here for a member who opted out."""

    def __init__(self, plan: PlanService, is_opted_out: Callable[[MemberRef], Awaitable[bool]]):
        self.plan = plan
        self.is_opted_out = is_opted_out

    async def check_in(self, place: Place, member: MemberRef, chapter: int) -> bool:
        if await self.is_opted_out(member):
            return False
        book = await self.plan.book(place)
        if book.chapter(chapter) is None:
            return False
        return await self.plan.check_in(place, member, book, chapter) is None

    async def checked_in(self, place: Place, chapter: int) -> set[str]:
        return {c.user_id for c in await self.plan.checkins(place) if c.chapter == chapter}
