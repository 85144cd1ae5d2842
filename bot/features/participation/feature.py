"""Wiring of participation, the reading plan and privacy into the app (one call in build_app)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import aiosqlite

from bot.features.participation.commands import StatsCommands
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import ParticipationRepo
from bot.features.participation.stats import day_start, local_day
from bot.features.plan.plan import ReadingPlan
from bot.features.privacy.privacy import Privacy
from bot.storage.db import connect_again

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


@dataclass
class Participation:
    recorder: Recorder
    plan: ReadingPlan
    privacy: Privacy
    repo: ParticipationRepo
    own_db: aiosqlite.Connection | None

    async def apply_retention(self, app: App) -> int:
        days = app.config.participation.retention_days
        if days <= 0:
            return 0
        today = local_day(app.clock.now(), self.recorder.days.tz)
        cutoff = (today - timedelta(days=days)).isoformat()
        async with self.recorder.lock:
            deleted = await self.repo.delete_before(cutoff)
        if deleted:
            log.info("retention: deleted %d daily row(s) before %s", deleted, cutoff)
        return deleted

    async def retention_loop(self, app: App, last_run: date) -> None:
        """Apply the retention a few minutes after each local midnight following `last_run`."""
        tz = self.recorder.days.tz
        while True:
            tomorrow = last_run + timedelta(days=1)
            await app.clock.sleep_until(day_start(tomorrow, tz) + timedelta(minutes=5))
            last_run = local_day(app.clock.now(), tz)
            try:
                await self.apply_retention(app)
            except Exception:
                log.exception("participation retention failed; will try again tomorrow")


async def install_participation(app: App) -> Participation:
    config = app.config.participation
    tz = ZoneInfo(app.config.timezone)
    own_db = await connect_again(app.db)  # its transactions never mix with others'
    repo = ParticipationRepo(own_db or app.db)
    recorder = Recorder(
        repo,
        app.clock,
        tz,
        channels=frozenset(config.channels),
        flush_every=config.flush_every,
        flush_seconds=config.flush_seconds,
    )
    privacy = Privacy(repo, recorder, app.clock, app.member_data)
    plan = ReadingPlan(repo, app.store, app.clock, tz, privacy.is_opted_out, recorder.flush)
    await privacy.load()
    await plan.load()
    recorder.chapter_of = plan.chapter_of
    feature = Participation(recorder, plan, privacy, repo, own_db)

    app.engine.sinks.append(recorder)
    app.current_chapter = plan.current_chapter
    stats = StatsCommands(repo, recorder, plan, privacy, app.store, app.clock, tz, config)
    for commands in (plan.commands(), privacy.commands(), stats.commands()):
        app.engine.table.extend(commands.commands)
    app.help_notes.append(
        "Participation: only counts of messages, reactions, quiz answers and commands are kept, "
        "never what you write; privacy show lists them, privacy optout stops them."
    )

    async def stop() -> None:
        try:
            await recorder.close()
        finally:
            if own_db is not None:
                await own_db.close()

    async def start() -> None:
        # Run the final flush after every other feature's stop hook, since those may still
        # record activity: hooks registered at install time are all in place by now.
        if stop in app.on_stop:
            app.on_stop.remove(stop)
        app.on_stop.append(stop)
        await feature.apply_retention(app)
        app.supervisor.spawn("participation-recorder", recorder.run())
        today = local_day(app.clock.now(), tz)
        app.supervisor.spawn("participation-retention", feature.retention_loop(app, today))

    app.on_start.append(start)
    app.on_stop.append(stop)
    return feature
