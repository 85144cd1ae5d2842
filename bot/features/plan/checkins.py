"""The plan's check-ins as the core's CheckIns, for other features (a chapter poll's vote
checks a member in) through the composition root."""

from __future__ import annotations

from bot.core.refs import MemberRef, Place
from bot.features.plan.service import PlanService


class PlanCheckIns:
    def __init__(self, plan: PlanService) -> None:
        self.plan = plan

    async def check_in(self, place: Place, member: MemberRef, chapter: int) -> bool:
        if await self.plan.is_opted_out(member):
            return False
        book = await self.plan.book(place)
        if book.chapter(chapter) is None:
            return False
        return await self.plan.check_in(place, member, book, chapter) is None

    async def checked_in(self, place: Place, chapter: int) -> set[str]:
        return {c.user_id for c in await self.plan.checkins(place) if c.chapter == chapter}
