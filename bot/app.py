"""The composition root: config, storage, content, features, engine; adapters are built
beside it in __main__. Nothing else lives here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from bot.adapter_state.lease import ClockedLease, matrix_sync_lease
from bot.adapter_state.matrix import SqlMatrixState
from bot.config import Config, MatrixConfig
from bot.config_check import content_problems
from bot.content.library import ContentStore, load_checked
from bot.core.clock import Clock, SystemClock
from bot.core.commands import CommandTable
from bot.core.engine import Engine, ModeratorPolicy
from bot.core.feature import Feature
from bot.core.keyvalue import KeyValueStore
from bot.core.member_data import MemberData
from bot.core.refs import Place
from bot.core.supervisor import Supervisor
from bot.features.books.feature import BooksFeature
from bot.features.chapters.feature import ChaptersFeature
from bot.features.daily.feature import DailyFeature, timezone_suggestions
from bot.features.help.commands import HelpFeature
from bot.features.participation.feature import ParticipationFeature
from bot.features.plan.checkins import PlanCheckIns
from bot.features.plan.feature import PlanFeature
from bot.features.privacy.feature import PrivacyFeature
from bot.features.quiz.feature import QuizFeature
from bot.features.reading.feature import ReadingFeature
from bot.features.review.feature import ReviewFeature
from bot.features.spoilers.feature import SpoilersFeature
from bot.storage.db import Database, StorageUnavailable, connect, is_url
from bot.storage.settings import SettingsRepo
from bot.yamlfiles.document import ProblemsError

log = logging.getLogger(__name__)

# The platforms adapters serve (the names config uses in "platform:user" moderator ids).
PLATFORMS = ("console", "discord", "matrix")
# What a group's name alone runs (`/quiz` is `/quiz status`): the harmless look.
F = TypeVar("F")


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
    db: Database
    store: ContentStore
    engine: Engine
    supervisor: Supervisor
    # By name, in the order they start; they stop in the reverse order.
    features: dict[str, Feature] = field(default_factory=dict)
    # Member data kept outside the features (an adapter's), for privacy.
    member_data: list[MemberData] = field(default_factory=list)
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    _stopped: bool = False

    def register(self, feature: Feature) -> None:
        if feature.name in self.features:
            raise ValueError(f"feature {feature.name!r} is registered twice")
        self.features[feature.name] = feature
        self.engine.table.extend(feature.commands())
        self.engine.help_notes.extend(feature.help_notes())
        self.engine.sinks.extend(feature.sinks())
        self.member_data.extend(feature.member_data())

    def feature(self, name: str, kind: type[F]) -> F:
        """A registered feature by name (tests and benchmarks reach a loop this way)."""
        found = self.features[name]
        if not isinstance(found, kind):
            raise TypeError(f"feature {name!r} is a {type(found).__name__}")
        return found

    def state(self) -> KeyValueStore:
        """What adapters keep across restarts (they never see the database itself)."""
        return SettingsRepo(self.db)

    def matrix_state(self, user_id: str) -> SqlMatrixState:
        """The Matrix adapter's state; privacy show/delete cover the reactions it keeps."""
        state = SqlMatrixState(self.db, user_id)
        self.member_data.append(state)
        return state

    def matrix_lease(self, config: MatrixConfig) -> ClockedLease:
        """The lease on the account's one sync stream; released at the latest on stop,
        before the database closes (PostgreSQL's pool waits for the lease's connection)."""
        lease = matrix_sync_lease(self.db, self.clock, config)
        self._stack.push_async_callback(lease.release)
        return lease

    async def start(self) -> None:
        """Resume stored state in every feature, then let the adapters' events through."""
        try:
            for feature in self.features.values():
                await feature.start()
                self._stack.push_async_callback(self._stop_one, feature)
        finally:
            self.engine.release()

    @staticmethod
    async def _stop_one(feature: Feature) -> None:
        try:
            await feature.stop()
        except Exception:
            log.exception("stopping %s failed", feature.name)

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        await self.supervisor.stop()
        await self._stack.aclose()  # features stop in the reverse order of their start
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
    # Every book of the library, then the config against it (`book`, daily.default_chapter),
    # each problem naming its key in the config.
    library = load_checked(base / config.content)
    if problems := content_problems(config, library):
        raise ProblemsError(problems)
    store = ContentStore(base / config.content, library, config.book)
    db = await connect(config.database if is_url(config.database) else base / config.database)
    try:
        return await _build(config, clock, rng, store, db)
    except BaseException:
        await db.close()  # its threads would keep the process alive
        raise


async def _build(
    config: Config,
    clock: Clock,
    rng: random.Random,
    store: ContentStore,
    db: Database,
) -> App:
    engine = Engine(
        CommandTable(),
        clock,
        ModeratorPolicy.from_names(config.moderators.users, config.moderators.roles, PLATFORMS),
    )
    engine.hold()  # until app.start() has resumed quizzes and schedules
    supervisor = Supervisor()
    app = App(config, clock, rng, db, store, engine, supervisor)
    tz = ZoneInfo(config.timezone)

    # Privacy, the reading plan and participation know nothing of each other: each gets
    # from here the narrow view of the others it needs. Participation starts first and
    # stops last, so its final flush takes in what the other features record while they stop.
    privacy = PrivacyFeature(db, clock, app.member_data)
    await privacy.load()  # opt-outs are honoured from the first event
    engine.opt_outs = privacy.service.opt_outs  # the one place opt-outs are checked
    engine.unavailable = (StorageUnavailable,)  # "could not save, try later"
    plan = PlanFeature(db, store, clock, tz)
    participation = ParticipationFeature(
        config.participation,
        db,
        store,
        clock,
        tz,
        supervisor,
        reading_of=plan.service.reading,
        opt_outs=privacy.service.opt_outs,
        progress=plan.service,
        is_opted_out=privacy.service.is_opted_out,
    )
    plan.service.activity = participation.activity
    current_chapter = plan.service.current_chapter
    daily = DailyFeature(
        config.daily,
        config.timezone,
        db,
        store,
        engine,
        clock,
        rng,
        supervisor,
        current_chapter,
    )

    async def daily_time(place: Place) -> tuple[str, str]:
        """Review reminders come at the place's daily-quote time (the default without one)."""
        row = await daily.service.get(place)
        settings = row.settings if row is not None else daily.service.defaults()
        return settings.local_time, settings.timezone

    quiz = QuizFeature(config.quiz, store, db, engine, clock, rng, supervisor, tz)
    # Chapter threads check members in through the plan and follow its chapter.
    chapters = ChaptersFeature(
        db,
        store,
        clock,
        engine,
        supervisor,
        PlanCheckIns(plan.service, privacy.service.is_opted_out),
        current_chapter,
        poll_hours=config.chapters.poll_hours,
        progress_poll_hours=config.chapters.progress_poll_hours,
        is_opted_out=privacy.service.is_opted_out,
        open_with_plan=config.chapters.open_with_plan,
    )
    plan.service.reached.append(chapters.service.reached)
    # The spoiler shield draws each member's line from the plan and their check-ins; the
    # features that show content ask it through `line_of`.
    spoilers = SpoilersFeature(db, clock, current_chapter, plan.service.position)
    line_of = spoilers.service.line_of
    quiz.service.line_of = line_of
    daily.service.line_of = line_of

    for feature in (
        participation,
        plan,
        privacy,
        HelpFeature(),
        BooksFeature(store, db),  # sets store.choice: the book each group reads
        ReadingFeature(store, rng, current_chapter, line_of),
        spoilers,
        quiz,
        daily,
        ReviewFeature(
            db,
            store,
            clock,
            tz,
            engine.outbox,
            supervisor,
            daily_time,
            is_opted_out=privacy.service.is_opted_out,
        ),
        chapters,
    ):
        app.register(feature)
    # Judged quiz answers go to the features that learn from them (spaced review).
    quiz.service.answer_sinks.extend(s for f in app.features.values() for s in f.answer_sinks())
    reading = app.feature("reading", ReadingFeature)
    engine.suggesters.update(
        book=app.feature("books", BooksFeature).suggest,
        chapter=reading.chapters,
        term=reading.terms,
        timezone=timezone_suggestions,
    )
    return app


async def run_until_done(app: App, adapters: list[Adapter]) -> None:
    """Run the adapters until one finishes or the task is cancelled; then shut down cleanly.

    The features start (resumed quizzes and schedules, which may post at once) when every
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
    try:
        done, _ = await asyncio.wait(
            [asyncio.ensure_future(gathered), *tasks],
            timeout=READY_TIMEOUT,
            return_when=asyncio.FIRST_COMPLETED,
        )
    finally:  # also when cancelled meanwhile (Ctrl-C while an adapter connects)
        if not gathered.done():
            gathered.cancel()
            # Retrieve the cancellation, or asyncio logs "exception was never retrieved".
            with contextlib.suppress(asyncio.CancelledError):
                await gathered
    if not done:
        log.warning("adapters not ready after %.0f s; starting anyway", READY_TIMEOUT)
