"""The daily quote feature: the service, its scheduler loop, their start and stop."""

from __future__ import annotations

import random
from collections.abc import Sequence
from zoneinfo import available_timezones

from bot.config import DailyConfig
from bot.content.library import ContentStore
from bot.core.chapters import CurrentChapter
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.engine import Engine
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef, Place
from bot.core.suggestions import Suggestion
from bot.core.supervisor import Supervisor
from bot.features.daily.commands import commands
from bot.features.daily.member_data import ScheduleEditors
from bot.features.daily.scheduler import DailyScheduler
from bot.features.daily.service import DailyService
from bot.storage.db import Database


async def timezone_suggestions(
    place: Place, typed: str, member: MemberRef | None = None
) -> list[Suggestion]:
    needle = typed.strip().lower()
    return [Suggestion(z, z) for z in sorted(available_timezones()) if needle in z.lower()]


class DailyFeature(BaseFeature):
    name = "daily"

    def __init__(
        self,
        config: DailyConfig,
        default_timezone: str,
        db: Database,
        store: ContentStore,
        engine: Engine,
        clock: Clock,
        rng: random.Random,
        supervisor: Supervisor,
        current_chapter: CurrentChapter,
    ) -> None:
        self.supervisor = supervisor
        self.editors = ScheduleEditors(db)
        self.service = DailyService(
            db=db,
            store=store,
            outbox=engine.outbox,
            clock=clock,
            rng=rng,
            config=config,
            default_timezone=default_timezone,
            current_chapter=current_chapter,
        )
        self.scheduler = DailyScheduler(self.service, clock)
        self.service.changed = self.scheduler.poke  # a changed schedule wakes the loop

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)

    def member_data(self) -> Sequence[MemberData]:
        return [self.editors]

    async def start(self) -> None:
        await self.service.start()  # legacy rows first: the loop reads them
        self.scheduler.start(self.supervisor)

    async def stop(self) -> None:
        # The supervisor has cancelled the loop by now (App.stop stops it first).
        await self.service.close()
