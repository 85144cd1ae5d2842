"""Daily quotes, the service: schedules per place, the due posts, and the posts themselves.

The scheduler loop (scheduler.py) calls `dispatch_due(now)`; the commands
(commands.py) call the rest. A due post is claimed in the database before it is
sent (see bot.features.daily.repo), so it goes out at most once per channel and day: a
crash between claiming and sending loses that day's post rather than doubling it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import DailyConfig
from bot.content.library import ContentStore
from bot.content.model import Book, Chapter, Quote
from bot.core.chapters import CurrentChapter
from bot.core.clock import Clock
from bot.core.commands import UserError
from bot.core.outbox import Outbox, PostError
from bot.core.refs import GroupRef, Place
from bot.core.replies import Reply
from bot.core.spoilers import Line, LineOf, no_line
from bot.core.timeofday import parse_time
from bot.features.daily.model import (
    ChapterScope,
    DailyRow,
    Outcome,
    Plan,
    PostStatus,
    ScopeKind,
    Settings,
)
from bot.features.daily.quotes import (
    Pool,
    Posts,
    chapter_missing,
    chapter_of,
    compose,
    pool_of,
    scope_problem,
    within_line,
)
from bot.features.daily.repo import DailyRepo
from bot.features.daily.schedule import Run, Schedule, next_run, timing
from bot.storage.db import Database

log = logging.getLogger(__name__)

# How soon a process looks again at posts due now that another process must make.
ELSEWHERE_RECHECK = timedelta(minutes=1)


def epoch(when: datetime) -> int:
    return int(when.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def schedule_of(settings: Settings) -> Schedule:
    return Schedule(parse_time(settings.local_time), ZoneInfo(settings.timezone))


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Status:
    row: DailyRow | None
    next_run: datetime | None
    current_chapter: int | None
    book: Book  # the book the place's group reads now
    seen: int  # quotes of that book posted in this round
    eligible: int
    problem: str | None  # why no quote can be posted (a chapter the book lacks)


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
        # The spoiler line (the composition root wires it): no quote past the plan's chapter.
        self.line_of: LineOf = no_line
        # Called when a schedule changes (the feature points it at the scheduler's poke).
        self.changed: Callable[[], None] = _nothing
        # Due rows of the last round this process cannot reach: id -> their next_due.
        self._elsewhere: dict[int, int | None] = {}

    # -- connection ---------------------------------------------------------------------

    async def repo(self) -> DailyRepo:
        return self._repo

    async def start(self) -> None:
        """Attach schedules stored before they knew their book to the configured book."""
        adopted = await self._repo.adopt_legacy(self.store.book.meta.id)
        if adopted:
            log.info(
                "daily quotes: %d schedule(s) attached to %s", adopted, self.store.book.meta.id
            )

    async def close(self) -> None:
        """Nothing is buffered: every post is claimed and recorded in the database."""

    # -- settings -----------------------------------------------------------------------

    def defaults(self) -> Settings:
        return Settings(
            local_time=self.config.default_time,
            timezone=self.default_timezone,
            chapter=ChapterScope.parse(self.config.default_chapter),
            prompt=self.config.default_prompt,
        )

    async def get(self, place: Place) -> DailyRow | None:
        return await (await self.repo()).get(place)

    async def set(
        self,
        place: Place,
        user: str,
        local_time: str | None = None,
        timezone: str | None = None,
        chapter: ChapterScope | None = None,
        prompt: bool | None = None,
    ) -> tuple[Settings, Run, str | None]:
        """Turn a place's schedule on; what is not given keeps its stored (or default) value.

        Returns the settings, the next run and why no quote could be posted (or None)."""
        repo = await self.repo()
        row = await repo.get(place)
        base = self.defaults() if row is None else row.settings
        settings = Settings(
            local_time=local_time or base.local_time,
            timezone=timezone or base.timezone,
            chapter=chapter or base.chapter,
            prompt=base.prompt if prompt is None else prompt,
        )
        book = await self.store.book_for(place)
        # A stored chapter the group's (new) book lacks is kept, and said (see `problem`);
        # one typed now, or a default, is refused.
        if (chapter is not None or row is None) and chapter_missing(settings.chapter, book):
            numbers = book.chapter_list()
            raise UserError(f"There is no chapter {settings.chapter.number}. Chapters: {numbers}.")
        now = self.clock.now()
        run = next_run(schedule_of(settings), now)
        last = row.last_date if row else None
        while last is not None and run.local_date.isoformat() <= last:
            run = next_run(schedule_of(settings), run.at)  # today was posted already
        await repo.save(
            place,
            book.meta.id,
            settings,
            epoch(run.at),
            run.local_date.isoformat(),
            epoch(now),
            user,
        )
        self.changed()
        return settings, run, scope_problem(settings.chapter, book)

    async def turn_off(self, place: Place, user: str) -> bool:
        repo = await self.repo()
        done = await repo.turn_off(place, epoch(self.clock.now()), user)
        if done:
            self.changed()
        return done

    async def status(self, place: Place) -> Status:
        row = await self.get(place)
        current = await self.current_chapter(place)
        book = await self.store.book_for(place)
        eligible = seen = 0
        problem = None
        if row is not None:
            problem = scope_problem(row.settings.chapter, book)
            eligible = len((await self.eligible(row.settings.chapter, place, book)).ids)
            seen = len(row.cycle(book.meta.id)[0])
        nxt = from_epoch(row.next_due) if row is not None and row.next_due is not None else None
        return Status(row, nxt, current, book, seen, eligible, problem)

    async def next_due(self) -> datetime | None:
        """When the scheduler should look again. Posts due now that another process must
        make (see dispatch_due) do not count: this one looks again at its own next post,
        or after ELSEWHERE_RECHECK, whichever comes first."""
        repo = await self.repo()
        due = await repo.next_due()
        now = epoch(self.clock.now())
        if due is None or due > now or not self._elsewhere:
            return from_epoch(due) if due is not None else None
        rows = await repo.due(now)
        if any(self._elsewhere.get(row.id) != row.next_due for row in rows):
            return from_epoch(due)  # something due now is this process's (or new): go
        later = await repo.next_due_after(now)
        recheck = self.clock.now() + ELSEWHERE_RECHECK
        return recheck if later is None else min(from_epoch(later), recheck)

    # -- quotes -------------------------------------------------------------------------

    async def eligible(
        self,
        scope: ChapterScope,
        place: Place,
        book: Book,
        cache: dict[tuple[str, int | None], Pool] | None = None,
        plans: dict[GroupRef, int | None] | None = None,
        lines: dict[GroupRef, Line] | None = None,
        shielded: dict[tuple[str, int | None, int | None], Pool] | None = None,
    ) -> Pool:
        """The quotes of `book` a place's setting allows: one chapter, the plan's chapter,
        or all (also for `current` when there is no plan or the book lacks its chapter),
        up to the spoiler line. For a round, `plans` and `lines` keep the plan's chapter
        and the channel's spoiler line of each group (asked once a group), and `cache`
        and `shielded` the pools before and after the line (made once each)."""
        planned = None
        if scope.kind is ScopeKind.CURRENT:
            if plans is None:
                planned = await self.current_chapter(place)
            elif place.group in plans:
                planned = plans[place.group]
            else:
                planned = plans[place.group] = await self.current_chapter(place)
        number = chapter_of(scope, planned, book)
        key = (book.meta.id, number)
        if cache is None:
            pool = pool_of(book, number)
        else:
            pool = cache[key] = cache.get(key) or pool_of(book, number)
        if lines is None:
            line = await self.line_of(place, None)
        elif place.group in lines:
            line = lines[place.group]
        else:
            line = lines[place.group] = await self.line_of(place, None)
        if shielded is None or line.limit is None:
            return within_line(pool, line)
        cut = (book.meta.id, number, line.limit)
        found = shielded.get(cut)
        if found is None:
            found = shielded[cut] = within_line(pool, line)
        return found

    def compose(self, chapter: Chapter, quote: Quote, prompt: bool) -> list[Reply]:
        return compose(chapter, quote, prompt, self.rng)

    async def post_now(self, place: Place, user: str) -> list[Reply]:
        """One quote from the place's cycle, outside the schedule (`daily now`)."""
        repo = await self.repo()
        book = await self.store.book_for(place)
        await repo.ensure(place, book.meta.id, self.defaults(), epoch(self.clock.now()), user)
        for _ in range(5):
            row = await repo.get(place)
            assert row is not None
            scope = row.settings.chapter
            if problem := scope_problem(scope, book):
                raise UserError(f"No quote to post: {problem}.")
            pool = await self.eligible(scope, place, book)
            seen, last = row.cycle(book.meta.id)
            picked = pool.pick(seen, last, self.rng)
            if picked is None:
                raise UserError(f"There are no quotes to post ({scope.describe()}).")
            quote_id, seen = picked
            if await repo.take_quote(row, book.meta.id, quote_id, seen, epoch(self.clock.now())):
                chapter, quote = pool.by_id[quote_id]
                return self.compose(chapter, quote, row.settings.prompt)
        raise UserError("The quote cycle is busy; try again.")

    # -- the due posts ------------------------------------------------------------------

    async def dispatch_due(self, now: datetime) -> int:
        """Claim and send every post due at `now`; return how many were sent."""
        repo = await self.repo()
        rows = self._reachable(await repo.due(epoch(now)))
        if not rows:
            return 0
        plans: list[Plan] = []
        composed: dict[int, list[Reply]] = {}
        places: dict[int, Place] = {}
        round_ = Round(now, timedelta(minutes=self.config.grace_minutes))
        for row in rows:
            try:
                plan, replies = await self._plan(row, round_)
            except Exception as exc:  # one broken row must not hold up the others
                log.exception("daily quote for %s: the stored schedule is unusable", row.place)
                plan, replies = broken(row, now, exc), []
            plans.append(plan)
            if replies:
                composed[row.id] = replies
                places[row.id] = row.place
        claimed = await repo.claim(plans, epoch(now))
        to_post = [p for p in claimed if p.status is PostStatus.CLAIMED]
        for plan in claimed:
            if plan.status is not PostStatus.CLAIMED:
                log.warning(
                    "daily quote for %s on %s: %s",
                    places.get(plan.schedule_id, plan.schedule_id),
                    plan.local_date,
                    plan.error,
                )
        outcomes = await self._send(to_post, places, composed)
        await repo.record(outcomes)
        return sum(1 for o in outcomes if o.error is None)

    def _reachable(self, rows: list[DailyRow]) -> list[DailyRow]:
        """The due rows this process can post to. The others are left unclaimed for the
        process that reaches them (Discord shards run by several processes), logged once."""
        elsewhere = {r.id: r.next_due for r in rows if not self.outbox.reaches(r.place)}
        new = [i for i, due in elsewhere.items() if self._elsewhere.get(i) != due]
        if new:
            log.info("daily quotes: %d due post(s) not reachable here, left unclaimed", len(new))
        self._elsewhere = elsewhere
        return [r for r in rows if r.id not in elsewhere]

    async def _plan(self, row: DailyRow, round_: Round) -> tuple[Plan, list[Reply]]:
        """What to do with one due row. Places with the same time and zone share the run
        (computed once a round), places of a group with the same chapter setting share
        their book and pool, and places given the same quote share the post's text."""
        settings = row.settings
        key = (settings.local_time, settings.timezone)
        slot = round_.timings.get(key)
        if slot is None:
            slot = round_.timings[key] = self._slot(settings, round_, None)
        if row.next_date is not None and slot.local_date < row.next_date:
            slot = self._slot(settings, round_, date.fromisoformat(row.next_date))
        if slot.missed is not None:
            return slot.plan(row, PostStatus.SKIPPED, slot.missed), []
        try:
            place = row.place
            found = round_.quotes.get((place.platform, place.group_id, settings.chapter))
            book, pool, problem = found or await self._quotes(row, round_)
        except Exception as exc:  # e.g. the reading plan could not be read: fail this day only
            log.exception("daily quote for %s: could not find the quotes", row.place)
            error = f"could not find the quotes ({exc})"
            return slot.plan(row, PostStatus.FAILED, error), []
        if problem is not None:
            return slot.plan(row, PostStatus.FAILED, f"no quote posted: {problem}"), []
        seen, last = row.cycle(book.meta.id)  # a new book starts a new cycle
        picked = pool.pick(seen, last, self.rng)
        if picked is None:
            error = f"no quotes to post ({settings.chapter.describe()})"
            return slot.plan(row, PostStatus.FAILED, error), []
        quote_id, seen = picked
        chapter, quote = pool.by_id[quote_id]
        reply = round_.posts.reply(book.meta.id, chapter, quote, settings.prompt, self.rng)
        return slot.plan(
            row, PostStatus.CLAIMED, book_id=book.meta.id, quote_id=quote_id, seen=seen
        ), [reply]

    def _slot(self, settings: Settings, round_: Round, not_before: date | None) -> Slot:
        """The run due now for a time and zone, the run after it, and whether it is missed."""
        run, following = timing(schedule_of(settings), round_.now, not_before)
        missed = None
        late = round_.now - run.at
        if late > round_.grace:
            minutes = int(late.total_seconds() // 60)
            missed = (
                f"missed the post of {run.local_date.isoformat()} (the bot was down; "
                f"{minutes} min late, more than the {self.config.grace_minutes} min grace period)"
            )
        return Slot(
            run.local_date.isoformat(),
            epoch(following.at),
            following.local_date.isoformat(),
            missed,
        )

    async def _quotes(self, row: DailyRow, round_: Round) -> tuple[Book, Pool, str | None]:
        """The book, the pool and the problem (see scope_problem) of a row's group and
        chapter setting, found once per group and setting in a round (`_plan` looks in
        `round_.quotes` first)."""
        key = (row.place.platform, row.place.group_id, row.settings.chapter)
        found = round_.quotes.get(key)
        if found is None:
            book = await self._book(row.place, round_.books)
            pool = await self.eligible(
                row.settings.chapter,
                row.place,
                book,
                round_.pools,
                round_.plans,
                round_.lines,
                round_.shielded,
            )
            found = round_.quotes[key] = (book, pool, scope_problem(row.settings.chapter, book))
        return found

    async def _book(self, place: Place, books: dict[GroupRef, Book]) -> Book:
        """The book of the place's group, asked once per group and round."""
        group = place.group
        if group not in books:
            books[group] = await self.store.book_for(place)
        return books[group]

    async def _send(
        self, plans: list[Plan], places: dict[int, Place], composed: dict[int, list[Reply]]
    ) -> list[Outcome]:
        # `concurrency` workers take the plans in turn (not a task per post).
        outcomes: list[Outcome | None] = [None] * len(plans)
        work = iter(enumerate(plans))

        async def worker() -> None:
            for i, plan in work:
                outcomes[i] = await send(plan)

        async def send(plan: Plan) -> Outcome:
            error: str | None = None
            where = places[plan.schedule_id]
            try:
                await self.outbox.post(where, composed[plan.schedule_id])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = str(exc) or type(exc).__name__
                log.warning(
                    "daily quote for %s could not be posted: %s",
                    where,
                    error,
                    exc_info=not isinstance(exc, PostError),
                )
            return Outcome(
                plan.schedule_id, plan.local_date, epoch(self.clock.now()), plan.quote_id, error
            )

        await asyncio.gather(*(worker() for _ in range(min(self.config.concurrency, len(plans)))))
        return [o for o in outcomes if o is not None]


@dataclass(frozen=True)
class Slot:
    """The run of one time and zone in a round: the local date it posts for, the next
    run (epoch seconds and local date), and why it is not posted when it is too late."""

    local_date: str
    next_due: int
    next_date: str
    missed: str | None

    def plan(
        self,
        row: DailyRow,
        status: PostStatus,
        error: str | None = None,
        *,
        book_id: str | None = None,
        quote_id: str | None = None,
        seen: frozenset[str] | None = None,
    ) -> Plan:
        """A row's plan in this slot: the day taken with `status`, the schedule moved on to
        the next run; the row's cycle is kept unless a quote was picked (`seen`)."""
        return Plan(
            schedule_id=row.id,
            version=row.version,
            local_date=self.local_date,
            next_due=self.next_due,
            next_date=self.next_date,
            status=status,
            book_id=book_id,
            quote_id=quote_id,
            seen=row.seen if seen is None else seen,
            error=error,
        )


@dataclass
class Round:
    """One dispatch: its instant and what its rows share (computed once per round)."""

    now: datetime
    grace: timedelta
    timings: dict[tuple[str, str], Slot] = field(default_factory=dict)
    # By (platform, group_id, chapter setting): a plain tuple, no GroupRef made per row.
    quotes: dict[tuple[str, str, ChapterScope], tuple[Book, Pool, str | None]] = field(
        default_factory=dict
    )
    posts: Posts = field(default_factory=Posts)
    books: dict[GroupRef, Book] = field(default_factory=dict)
    pools: dict[tuple[str, int | None], Pool] = field(default_factory=dict)
    plans: dict[GroupRef, int | None] = field(default_factory=dict)
    lines: dict[GroupRef, Line] = field(default_factory=dict)
    shielded: dict[tuple[str, int | None, int | None], Pool] = field(default_factory=dict)


def broken(row: DailyRow, now: datetime, exc: Exception) -> Plan:
    """Turn off a schedule that cannot be computed (e.g. a timezone the system lost)."""
    return Plan(
        schedule_id=row.id,
        version=row.version,
        local_date=now.date().isoformat(),
        next_due=None,
        next_date=None,
        status=PostStatus.FAILED,
        seen=row.seen,
        error=f"the schedule could not be used and is off ({exc}); set it again",
    )
