"""The reading-plan feature: plans and check-ins per group and book, their commands, and
the check-ins it keeps about members (for privacy). At start, plans and check-ins made
before books were kept are attached to the configured book."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.content.library import ContentStore
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef
from bot.features.plan.commands import commands
from bot.features.plan.repo import PlanRepo
from bot.features.plan.service import PlanService
from bot.storage.db import Database

log = logging.getLogger(__name__)


class CheckInData:
    """Check-ins are kept about members: `privacy show/delete` cover them."""

    def __init__(self, repo: PlanRepo) -> None:
        self.repo = repo

    async def describe(self, member: MemberRef) -> str | None:
        # Always answers, "no check-ins" included: `privacy show` says so.
        checkins = await self.repo.member_checkins(member)
        if not checkins:
            return "No check-ins."
        books: dict[str, list[int]] = {}
        for c in checkins:
            books.setdefault(c.book_id, []).append(c.chapter)
        if len(books) == 1:
            (chapters,) = books.values()
            return "Chapters checked in: " + ", ".join(str(n) for n in chapters) + "."
        return (
            "Chapters checked in: "
            + "; ".join(f"{', '.join(str(n) for n in ns)} ({b})" for b, ns in books.items())
            + "."
        )

    async def forget(self, member: MemberRef) -> None:
        await self.repo.delete_member(member)


class PlanFeature(BaseFeature):
    name = "plan"

    def __init__(
        self,
        db: Database,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
    ) -> None:
        self.store = store
        self.repo = PlanRepo(db)
        self.service = PlanService(self.repo, store, clock, tz)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)

    def member_data(self) -> Sequence[MemberData]:
        return [CheckInData(self.repo)]

    async def start(self) -> None:
        await self.adopt_legacy()

    async def adopt_legacy(self) -> None:
        adopted = await self.repo.adopt_legacy(self.store.book.meta.id)
        if adopted:
            log.info("plan: %d plan(s) and check-in(s) attached to the default book", adopted)
