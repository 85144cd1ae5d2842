"""The composition root: config, storage, content, services, engine and adapters."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import aiosqlite

from bot.config import Config
from bot.core.clock import Clock, SystemClock
from bot.core.commands import CommandTable
from bot.core.content_store import ContentStore
from bot.core.engine import Engine, ModeratorPolicy
from bot.core.help import help_commands
from bot.core.participation_install import install_participation
from bot.core.reading import CurrentChapter, Reading, no_plan
from bot.core.tasks import Supervisor
from bot.storage.db import connect

log = logging.getLogger(__name__)


class Adapter(Protocol):
    platform: str

    async def run(self) -> None:
        """Run until the adapter is done (console: end of input) or cancelled."""
        ...


@dataclass
class App:
    config: Config
    clock: Clock
    rng: random.Random
    db: aiosqlite.Connection
    store: ContentStore
    engine: Engine
    supervisor: Supervisor
    # Called in order at shutdown, after the adapters stop: flush buffers, close things.
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Called at start, once the adapters are registered: resume schedules and quizzes.
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Lines features add to `help` (e.g. how quiz points are counted).
    help_notes: list[str] = field(default_factory=list)
    # Which chapter a channel reads now; the reading plan replaces this.
    current_chapter: CurrentChapter = no_plan
    _stopped: bool = False

    async def start(self) -> None:
        for hook in self.on_start:
            await hook()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self.supervisor.stop()
        for hook in self.on_stop:
            try:
                await hook()
            except Exception:
                log.exception("shutdown step failed")
        await self.db.close()


async def build_app(
    config: Config,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    base_dir: Path | None = None,
) -> App:
    """Build everything but the adapters. Raises ProblemsError or MigrationError on bad input."""
    base = base_dir or Path.cwd()
    clock = clock or SystemClock()
    rng = rng or random.Random(config.seed)
    store = ContentStore.load(base / config.content, config.book)
    db = await connect(base / config.database)
    table = CommandTable()
    engine = Engine(
        table,
        clock,
        ModeratorPolicy(frozenset(config.moderators.users), frozenset(config.moderators.roles)),
    )
    app = App(config, clock, rng, db, store, engine, Supervisor())
    table.extend(help_commands(app.help_notes).commands)
    reading = Reading(store, rng, lambda place: app.current_chapter(place))
    table.extend(reading.commands().commands)

    # Each feature installs its commands, activity sinks and start/stop hooks on the app.

    # participation and the reading plan (issue 4)
    await install_participation(app)

    # quizzes (issue 3)

    # daily quotes (issue 5)

    return app


async def run_until_done(app: App, adapters: list[Adapter]) -> None:
    """Run the adapters until one finishes or the task is cancelled; then shut down cleanly."""
    await app.start()
    tasks = [asyncio.create_task(a.run(), name=f"adapter-{a.platform}") for a in adapters]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error(
                    "adapter %s stopped with an error", task.get_name(), exc_info=task.exception()
                )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.stop()
