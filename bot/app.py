"""The composition root: config, storage, content, services, engine and adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import aiosqlite

from bot.config import Config
from bot.config_check import content_problems
from bot.content.library import ContentStore
from bot.content.yamldoc import ProblemsError
from bot.core.clock import Clock, SystemClock
from bot.core.commands import CommandTable
from bot.core.engine import Engine, ModeratorPolicy
from bot.core.member_data import MemberData
from bot.core.supervisor import Supervisor
from bot.features.daily.commands import install_daily
from bot.features.help.commands import help_commands
from bot.features.participation.feature import install_participation
from bot.features.quiz.commands import install_quiz
from bot.features.reading.commands import CurrentChapter, Reading, no_plan
from bot.storage.db import connect

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The bot cannot start as configured; the message says why."""


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
    # What features keep about members, for `privacy show/delete/optout`.
    member_data: list[MemberData] = field(default_factory=list)
    # Which chapter a channel reads now; the reading plan replaces this.
    current_chapter: CurrentChapter = no_plan
    _stopped: bool = False

    async def start(self) -> None:
        """Resume stored state, then let the adapters' events through."""
        try:
            for hook in self.on_start:
                await hook()
        finally:
            self.engine.release()

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
    if problems := content_problems(config, store.library):  # e.g. daily.default_chapter
        raise ProblemsError(problems)
    db = await connect(base / config.database)
    table = CommandTable()
    engine = Engine(
        table,
        clock,
        ModeratorPolicy(frozenset(config.moderators.users), frozenset(config.moderators.roles)),
    )
    engine.hold()  # until app.start() has resumed quizzes and schedules
    app = App(config, clock, rng, db, store, engine, Supervisor())
    table.extend(help_commands(app.help_notes).commands)
    reading = Reading(store, rng, lambda place: app.current_chapter(place))
    table.extend(reading.commands().commands)

    # Each feature installs its commands, activity sinks and start/stop hooks on the app.

    # participation and the reading plan (issue 4)
    await install_participation(app)

    # quizzes (issue 3)
    install_quiz(app)

    # daily quotes (issue 5)
    install_daily(app)

    return app


async def run_until_done(app: App, adapters: list[Adapter]) -> None:
    """Run the adapters until one finishes or the task is cancelled; then shut down cleanly.

    The start hooks (resumed quizzes and schedules, which may post at once) run when every
    adapter that can say so is connected (`wait_ready`), or after READY_TIMEOUT seconds.
    """
    if not adapters:
        await app.stop()
        raise StartupError("no adapter to run: check `adapters` in the config")
    tasks = [asyncio.create_task(a.run(), name=f"adapter-{a.platform}") for a in adapters]
    try:
        await _wait_ready(adapters, tasks)
        await app.start()
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


READY_TIMEOUT = 60.0


async def _wait_ready(adapters: list[Adapter], tasks: list[asyncio.Task[None]]) -> None:
    waits = [w() for a in adapters if (w := getattr(a, "wait_ready", None)) is not None]
    if not waits:
        return
    gathered = asyncio.gather(*waits)
    done, _ = await asyncio.wait(
        [asyncio.ensure_future(gathered), *tasks],
        timeout=READY_TIMEOUT,
        return_when=asyncio.FIRST_COMPLETED,
    )
    if not gathered.done():
        gathered.cancel()
        # Retrieve the cancellation, or asyncio logs "exception was never retrieved".
        with contextlib.suppress(asyncio.CancelledError):
            await gathered
        if not done:
            log.warning("adapters not ready after %.0f s; starting anyway", READY_TIMEOUT)
