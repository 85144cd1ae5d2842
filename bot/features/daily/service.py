"""Daily quotes, the service: schedules per channel, the due posts, and the posts themselves.

The scheduler loop (daily_scheduler.py) calls `dispatch_due(now)`; the commands
(daily_commands.py) call the rest. A due post is claimed in the database before it is
sent (see bot.features.daily.repo), so it goes out at most once per channel and day: a
crash between claiming and sending loses that day's post rather than doubling it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import DailyConfig
from bot.content.library import ContentStore
from bot.content.model import Book, Chapter, Quote
from bot.core.chapters import CurrentChapter
from bot.core.clock import Clock
from bot.core.commands import UserError
from bot.core.outbox import Outbox, PostError
from bot.core.refs import Place
from bot.core.replies import Field, Reply
from bot.core.timeofday import parse_time
from bot.features.daily.repo import (
    DailyRepo,
    DailyRow,
    Outcome,
    Plan,
    Settings,
    place_key,
)
from bot.features.daily.schedule import Run, Schedule, last_run, next_run, pick_quote
from bot.storage.db import Database

log = logging.getLogger(__name__)


def epoch(when: datetime) -> int:
    return int(when.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def schedule_of(row: DailyRow | Settings) -> Schedule:
    return Schedule(parse_time(row.local_time), ZoneInfo(row.timezone))


@dataclass(frozen=True)
class Status:
    row: DailyRow | None
    next_run: datetime | None
    current_chapter: int | None
    eligible: int


class DailyService:
    def __init__(
        self,
        db: Database,
        store: ContentStore,
        outbox: Outbox,
        clock: Clock,
        rng: random.Random,
        config: DailyConfig,
        default_timezone: str,
        current_chapter: CurrentChapter,
    ) -> None:
        self._repo = DailyRepo(db)
        self.store = store
        self.outbox = outbox
        self.clock = clock
        self.rng = rng
        self.config = config
        self.default_timezone = default_timezone
        self.current_chapter = current_chapter

    # -- connection ---------------------------------------------------------------------

    async def repo(self) -> DailyRepo:
        return self._repo

    async def close(self) -> None:
        """Nothing is buffered: every post is claimed and recorded in the database."""

    # -- settings -----------------------------------------------------------------------

    def defaults(self) -> Settings:
        return Settings(
            local_time=self.config.default_time,
            timezone=self.default_timezone,
            chapter=self.config.default_chapter,
            prompt=self.config.default_prompt,
        )

    async def get(self, place: Place) -> DailyRow | None:
        return await (await self.repo()).get(place_key(place))

    async def set(
        self,
        place: Place,
        user: str,
        local_time: str | None = None,
        timezone: str | None = None,
        chapter: str | None = None,
        prompt: bool | None = None,
    ) -> tuple[Settings, Run]:
        """Turn a channel's schedule on; what is not given keeps its stored (or default) value."""
        repo = await self.repo()
        row = await repo.get(place_key(place))
        base = self.defaults() if row is None else row_settings(row)
        settings = Settings(
            local_time=local_time or base.local_time,
            timezone=timezone or base.timezone,
            chapter=chapter or base.chapter,
            prompt=base.prompt if prompt is None else prompt,
        )
        if settings.chapter.isdigit() and self.store.book.chapter(int(settings.chapter)) is None:
            numbers = ", ".join(str(n) for n in self.store.book.numbers)
            raise UserError(f"There is no chapter {settings.chapter}. Chapters: {numbers}.")
        now = self.clock.now()
        run = next_run(schedule_of(settings), now)
        last = row.last_date if row else None
        while last is not None and run.local_date.isoformat() <= last:
            run = next_run(schedule_of(settings), run.at)  # today was posted already
        await repo.save(
            place, settings, epoch(run.at), run.local_date.isoformat(), epoch(now), user
        )
        return settings, run

    async def turn_off(self, place: Place, user: str) -> bool:
        repo = await self.repo()
        return await repo.turn_off(place_key(place), epoch(self.clock.now()), user)

    async def status(self, place: Place) -> Status:
        row = await self.get(place)
        current = await self.current_chapter(place)
        eligible = 0
        if row is not None:
            eligible = len((await self.eligible(row.chapter, place, self.store.book)).ids)
        nxt = from_epoch(row.next_due) if row is not None and row.next_due is not None else None
        return Status(row, nxt, current, eligible)

    async def next_due(self) -> datetime | None:
        due = await (await self.repo()).next_due()
        return from_epoch(due) if due is not None else None

    # -- quotes -------------------------------------------------------------------------

    async def eligible(
        self, chapter: str, place: Place, book: Book, cache: dict[str, Pool] | None = None
    ) -> Pool:
        """The quotes a channel's setting allows: one chapter, the plan's chapter, or all."""
        key = "all"
        if chapter.isdigit():
            key = chapter
        elif chapter == "current":
            number = await self.current_chapter(place)
            if number is not None and book.chapter(number) is not None:
                key = str(number)
        if cache is not None and key in cache:
            return cache[key]
        if key == "all":
            chapters: Sequence[Chapter] = book.chapters
        else:
            found = book.chapter(int(key))
            chapters = [found] if found else []
        pool = Pool({q.id: (c, q) for c in chapters for q in c.quotes})
        if cache is not None:
            cache[key] = pool
        return pool

    def compose(self, chapter: Chapter, quote: Quote, prompt: bool) -> list[Reply]:
        fields: tuple[Field, ...] = ()
        if prompt and chapter.discussion:
            fields = (Field("For discussion", self.rng.choice(chapter.discussion)),)
        return [
            Reply(
                title="Quote of the day",
                text=f"“{quote.text}”",
                fields=fields,
                footer=f"— {quote.source} (chapter {chapter.number}: {chapter.title})",
                tags=frozenset({"daily-quote"}),
            )
        ]

    async def post_now(self, place: Place, user: str) -> list[Reply]:
        """One quote from the channel's cycle, outside the schedule (`daily now`)."""
        repo = await self.repo()
        await repo.ensure(place, self.defaults(), epoch(self.clock.now()), user)
        book = self.store.book
        for _ in range(5):
            row = await repo.get(place_key(place))
            assert row is not None
            pool = await self.eligible(row.chapter, place, book)
            picked = pick_quote(pool.ids, row.seen, row.last_quote_id, self.rng)
            if picked is None:
                raise UserError(f"There are no quotes to post ({describe_chapter(row.chapter)}).")
            quote_id, seen = picked
            if await repo.take_quote(row, quote_id, seen):
                chapter, quote = pool.by_id[quote_id]
                return self.compose(chapter, quote, row.prompt)
        raise UserError("The quote cycle is busy; try again.")

    # -- the due posts ------------------------------------------------------------------

    async def dispatch_due(self, now: datetime) -> int:
        """Claim and send every post due at `now`; return how many were sent."""
        repo = await self.repo()
        rows = await repo.due(epoch(now))
        if not rows:
            return 0
        book = self.store.book
        plans: list[Plan] = []
        composed: dict[str, list[Reply]] = {}
        places: dict[str, Place] = {}
        grace = timedelta(minutes=self.config.grace_minutes)
        pools: dict[str, Pool] = {}
        timings: dict[tuple[str, str], tuple[Run, Run]] = {}
        for row in rows:
            try:
                plan, replies = await self._plan(row, now, grace, book, pools, timings)
            except Exception as exc:  # one broken row must not hold up the others
                log.exception("daily quote for %s: the stored schedule is unusable", row.place_key)
                plan, replies = broken(row, now, exc), []
            plans.append(plan)
            if replies:
                composed[row.place_key] = replies
                places[row.place_key] = row.place
        claimed = await repo.claim(plans, epoch(now))
        to_post = [p for p in claimed if p.status == "claimed"]
        for plan in claimed:
            if plan.status != "claimed":
                log.warning(
                    "daily quote for %s on %s: %s", plan.place_key, plan.local_date, plan.error
                )
        outcomes = await self._send(to_post, places, composed)
        await repo.record(outcomes)
        return sum(1 for o in outcomes if o.error is None)

    async def _plan(
        self,
        row: DailyRow,
        now: datetime,
        grace: timedelta,
        book: Book,
        pools: dict[str, Pool],
        timings: dict[tuple[str, str], tuple[Run, Run]],
    ) -> tuple[Plan, list[Reply]]:
        """What to do with one due row. Channels with the same time and zone share the
        run computation, channels with the same quotes share the pool."""
        key = (row.local_time, row.timezone)
        if key not in timings:
            timings[key] = timing(schedule_of(row), now, None)
        run, following = timings[key]
        if row.next_date is not None and run.local_date.isoformat() < row.next_date:
            run, following = timing(schedule_of(row), now, date.fromisoformat(row.next_date))
        plan = Plan(
            place_key=row.place_key,
            version=row.version,
            local_date=run.local_date.isoformat(),
            next_due=epoch(following.at),
            next_date=following.local_date.isoformat(),
            status="claimed",
            seen=row.seen,
        )
        late = now - run.at
        if late > grace:
            minutes = int(late.total_seconds() // 60)
            error = (
                f"missed the post of {run.local_date.isoformat()} (the bot was down; "
                f"{minutes} min late, more than the {self.config.grace_minutes} min grace period)"
            )
            return replace(plan, status="skipped", error=error), []
        try:
            pool = await self.eligible(row.chapter, row.place, book, pools)
        except Exception as exc:  # e.g. the reading plan could not be read: fail this day only
            log.exception("daily quote for %s: could not find the quotes", row.place_key)
            return replace(plan, status="failed", error=f"could not find the quotes ({exc})"), []
        picked = pick_quote(pool.ids, row.seen, row.last_quote_id, self.rng)
        if picked is None:
            error = f"no quotes to post ({describe_chapter(row.chapter)})"
            return replace(plan, status="failed", error=error), []
        quote_id, seen = picked
        chapter, quote = pool.by_id[quote_id]
        return replace(plan, quote_id=quote_id, seen=seen), self.compose(chapter, quote, row.prompt)

    async def _send(
        self, plans: list[Plan], places: dict[str, Place], composed: dict[str, list[Reply]]
    ) -> list[Outcome]:
        gate = asyncio.Semaphore(self.config.concurrency)

        async def send(plan: Plan) -> Outcome:
            async with gate:
                error: str | None = None
                try:
                    await self.outbox.post(places[plan.place_key], composed[plan.place_key])
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    error = str(exc) or type(exc).__name__
                    log.warning(
                        "daily quote for %s could not be posted: %s",
                        plan.place_key,
                        error,
                        exc_info=not isinstance(exc, PostError),
                    )
                return Outcome(
                    plan.place_key, plan.local_date, epoch(self.clock.now()), plan.quote_id, error
                )

        return list(await asyncio.gather(*(send(p) for p in plans)))


class Pool:
    """The quotes a channel may get, by id, in a fixed order."""

    def __init__(self, by_id: dict[str, tuple[Chapter, Quote]]) -> None:
        self.by_id = by_id
        self.ids = sorted(by_id)


def timing(schedule: Schedule, now: datetime, not_before: date | None) -> tuple[Run, Run]:
    """The run due at `now` (the latest one not after it) and the run after that."""
    run = last_run(schedule, now)
    if not_before is not None and run.local_date < not_before:
        run = Run(not_before, now)  # the stored next date is ahead of the clock: keep it
    following = next_run(schedule, max(now, run.at))
    while following.local_date <= run.local_date:
        following = next_run(schedule, following.at)
    return run, following


def broken(row: DailyRow, now: datetime, exc: Exception) -> Plan:
    """Turn off a schedule that cannot be computed (e.g. a timezone the system lost)."""
    return Plan(
        place_key=row.place_key,
        version=row.version,
        local_date=now.date().isoformat(),
        next_due=None,
        next_date=None,
        status="failed",
        seen=row.seen,
        error=f"the schedule could not be used and is off ({exc}); set it again",
    )


def row_settings(row: DailyRow) -> Settings:
    return Settings(row.local_time, row.timezone, row.chapter, row.prompt)


def describe_chapter(chapter: str) -> str:
    if chapter == "all":
        return "all chapters"
    if chapter == "current":
        return "the current chapter"
    return f"chapter {chapter}"
