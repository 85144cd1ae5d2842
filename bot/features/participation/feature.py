"""The participation feature: the recorder of activity counts, the reading plan, privacy
and the stats commands, with retention every night. It starts first and stops last, so
its final flush takes in what the other features record while they stop."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.config import ParticipationConfig
from bot.content.library import ContentStore
from bot.core.activity import ActivitySink
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.supervisor import Supervisor
from bot.features.participation.commands import StatsCommands
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import ParticipationRepo
from bot.features.participation.stats import day_start, local_day
from bot.features.plan.plan import ReadingPlan
from bot.features.privacy.privacy import Privacy
from bot.storage.db import Database

log = logging.getLogger(__name__)


class ParticipationFeature(BaseFeature):
    name = "participation"

    def __init__(
        self,
        config: ParticipationConfig,
        db: Database,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
        supervisor: Supervisor,
        member_data: Sequence[MemberData],
    ) -> None:
        self.config = config
        self.clock = clock
        self.tz = tz
        self.supervisor = supervisor
        self.repo = ParticipationRepo(db)
        self.recorder = Recorder(
            self.repo,
            clock,
            tz,
            channels=frozenset(config.channels),
            flush_every=config.flush_every,
            flush_seconds=config.flush_seconds,
        )
        # `member_data` is filled as the other features register; privacy reads it later.
        self.privacy = Privacy(self.repo, self.recorder, clock, member_data)
        self.plan = ReadingPlan(
            self.repo, store, clock, tz, self.privacy.is_opted_out, self.recorder.flush
        )
        self.recorder.chapter_of = self.plan.chapter_of
        self.stats = StatsCommands(
            self.repo, self.recorder, self.plan, self.privacy, store, clock, tz, config
        )

    async def load(self) -> None:
        """Read opt-outs and plans before any event is recorded."""
        await self.privacy.load()
        await self.plan.load()

    def commands(self) -> Sequence[Command]:
        return [
            *self.plan.commands().commands,
            *self.privacy.commands().commands,
            *self.stats.commands().commands,
        ]

    def help_notes(self) -> Sequence[str]:
        return [
            "Participation: only counts of messages, reactions, quiz answers and commands are "
            "kept, never what you write; privacy show lists them, privacy optout stops them."
        ]

    def sinks(self) -> Sequence[ActivitySink]:
        return [self.recorder]

    async def start(self) -> None:
        await self.apply_retention()
        self.supervisor.spawn("participation-recorder", self.recorder.run())
        today = local_day(self.clock.now(), self.tz)
        self.supervisor.spawn("participation-retention", self.retention_loop(today))

    async def stop(self) -> None:
        await self.recorder.close()

    async def apply_retention(self) -> int:
        days = self.config.retention_days
        if days <= 0:
            return 0
        today = local_day(self.clock.now(), self.tz)
        cutoff = (today - timedelta(days=days)).isoformat()
        async with self.recorder.lock:
            deleted = await self.repo.delete_before(cutoff)
        if deleted:
            log.info("retention: deleted %d daily row(s) before %s", deleted, cutoff)
        return deleted

    async def retention_loop(self, last_run: date) -> None:
        """Apply the retention a few minutes after each local midnight following `last_run`."""
        while True:
            tomorrow = last_run + timedelta(days=1)
            await self.clock.sleep_until(day_start(tomorrow, self.tz) + timedelta(minutes=5))
            last_run = local_day(self.clock.now(), self.tz)
            try:
                await self.apply_retention()
            except Exception:
                log.exception("participation retention failed; will try again tomorrow")
