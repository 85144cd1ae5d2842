"""The participation feature: the recorder of activity counts, the stats commands, what it
keeps about members (for privacy) and retention every night. It starts first and stops
last, so its final flush takes in what the other features record while they stop.

It knows neither the reading plan nor privacy: the composition root hands it the book and
chapter a group reads (`reading_of`), the opt-outs the recorder honours (`opt_outs`), a
view of the check-ins (`progress`) and an opted-out check for the stats."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.config import ParticipationConfig
from bot.content.library import ContentStore
from bot.core.activity import ActivitySink
from bot.core.chapters import ReadingOf
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.periods import PERIODS_NOTE
from bot.core.refs import GroupRef, MemberRef
from bot.core.supervisor import Supervisor
from bot.core.wording import plural
from bot.features.participation.commands import commands
from bot.features.participation.recorder import OptOuts, Recorder, no_book, parse_channels
from bot.features.participation.repo import ParticipationRepo
from bot.features.participation.service import (
    OptedOut,
    ReadingProgress,
    StatsService,
    nobody_opted_out,
)
from bot.features.participation.stats import day_start, local_day
from bot.storage.db import Database

log = logging.getLogger(__name__)


class ParticipationData:
    """Activity counts and display names are kept about members: `privacy` covers them.

    `forget` deletes under the recorder's lock, after dropping what the buffer holds, so a
    batch the recorder has already taken lands before the deletion, never after it.
    """

    def __init__(self, repo: ParticipationRepo, recorder: Recorder) -> None:
        self.repo = repo
        self.recorder = recorder

    async def describe(self, member: MemberRef) -> str | None:
        # Always answers, "nothing kept" included: `privacy show` says so line by line.
        await self.recorder.flush()
        kept = await self.repo.kept_about(member)
        name = kept.display_name
        lines = [f"Display name kept: {name}." if name else "No display name is kept."]
        if kept.daily_rows:
            lines.append(
                f"{plural(kept.daily_rows, 'daily row')} from {kept.first_day} to "
                f"{kept.last_day} in {plural(kept.groups, 'group')}: per day, channel and chapter, counts of your "
                "messages, thread replies, reactions, quiz answers and commands."
            )
        else:
            lines.append("No daily activity rows.")
        return "\n".join(lines)

    async def forget(self, member: MemberRef) -> None:
        self.recorder.forget(member)
        async with self.recorder.lock:
            await self.repo.delete_member(member)


class GroupActivity:
    """What the reading plan asks of participation: write the buffer, who is active."""

    def __init__(self, repo: ParticipationRepo, recorder: Recorder) -> None:
        self.repo = repo
        self.recorder = recorder

    async def flush(self) -> object:
        return await self.recorder.flush()

    async def active_members(self, group: GroupRef) -> set[str]:
        return await self.repo.active_members(group)


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
        *,
        reading_of: ReadingOf = no_book,
        opt_outs: OptOuts | None = None,
        progress: ReadingProgress | None = None,
        is_opted_out: OptedOut = nobody_opted_out,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.tz = tz
        self.supervisor = supervisor
        self.repo = ParticipationRepo(db)
        self.recorder = Recorder(
            self.repo,
            clock,
            tz,
            channels=parse_channels(config.channels),
            flush_every=config.flush_every,
            flush_seconds=config.flush_seconds,
            reading_of=reading_of,
            opt_outs=opt_outs,
        )
        self.stats = StatsService(
            self.repo, self.recorder, store, clock, tz, config, progress, is_opted_out
        )
        self.activity = GroupActivity(self.repo, self.recorder)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.stats)

    def help_notes(self) -> Sequence[str]:
        return [
            "Participation: only counts of messages, reactions, quiz answers and commands are "
            "kept, never what you write; privacy show lists them, privacy optout stops them.",
            PERIODS_NOTE.format(tz=self.tz.key),
        ]

    def sinks(self) -> Sequence[ActivitySink]:
        return [self.recorder]

    def member_data(self) -> Sequence[MemberData]:
        return [ParticipationData(self.repo, self.recorder)]

    async def start(self) -> None:
        # Rows from before books were kept belong to the configured book.
        adopted = await self.repo.adopt_legacy(self.store.book.meta.id)
        if adopted:
            log.info("participation: %d daily row(s) attached to the default book", adopted)
        await self.apply_retention()
        self.supervisor.spawn("participation-recorder", self.recorder.run())
        today = local_day(self.clock.now(), self.tz)
        self.supervisor.spawn("participation-retention", self.retention_loop(today))

    async def stop(self) -> None:
        self.stats.charts.close()
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
