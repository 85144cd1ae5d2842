"""The participation recorder: an activity sink that counts events per member, group,
channel and local day, in memory, and writes the counts in batches.

`record()` never blocks and never touches the database: it adds one to a counter. The
buffer is written when `flush_every` events have come in, or `flush_seconds` after the
last write, whichever comes first, and at shutdown. Only counts and the member's id and
display name are kept, never what anyone wrote.

The database is the truth about who opted out and what each group reads, and another
process may change either. Each write reads both again inside its own transaction: the
opt-outs (a member who opted out anywhere is left out of the batch) and the book and
plan chapter of every group in the batch (the counts are written under them, so a plan
changed elsewhere counts from the next write; this process's `plan set` writes the
buffer first). Between writes, a member who opted out is dropped at the door, from the
list in memory, and `forget()` removes what the buffer already holds about them. The
list is read again at every tick, even with nothing to write, so an opt-in made through
another process opens the door here within `flush_seconds` (events in that window are
not counted: privacy errs that way).

Memory is bounded by back-pressure: once a batch is being written and the next one has
reached `flush_every`, `room()` makes whoever records wait until the write is done (the
engine awaits it after each message), instead of letting the buffer grow. A batch that
fails stays whole and is written again, alone and first, before anything newer, so a
failure loses nothing and counts nothing twice; the cause is logged once per run of
failures, and the recovery once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from bot.core.activity import Activity, ActivityKind
from bot.core.chapters import Reading, ReadingOf
from bot.core.clock import Clock
from bot.core.refs import MemberRef, Place
from bot.features.participation.repo import COUNTERS, DailyKey, ParticipationRepo
from bot.features.participation.stats import DayCache

log = logging.getLogger(__name__)

INDEX = {
    ActivityKind.MESSAGE: COUNTERS.index("messages"),
    ActivityKind.THREAD_REPLY: COUNTERS.index("thread_replies"),
    ActivityKind.REACTION: COUNTERS.index("reactions"),
    ActivityKind.QUIZ_ANSWER: COUNTERS.index("quiz_answers"),
    ActivityKind.QUIZ_CORRECT: COUNTERS.index("quiz_correct"),
    ActivityKind.COMMAND: COUNTERS.index("commands"),
}
WIDTH = len(COUNTERS)


class Channel(NamedTuple):
    """A channel of a platform, as `participation.channels` names it."""

    platform: str
    channel_id: str

    @classmethod
    def parse(cls, key: str) -> Channel:
        """'discord:1234' -> Channel('discord', '1234'); the id may hold colons (Matrix)."""
        platform, _, channel_id = key.partition(":")
        if not platform or not channel_id:
            raise ValueError(f'{key!r} is not a channel key like "discord:1234"')
        return cls(platform, channel_id)


def parse_channels(keys: Iterable[str]) -> frozenset[Channel]:
    return frozenset(Channel.parse(k) for k in keys)


class BufferKey(NamedTuple):
    """What the buffer counts under: a member in a channel on a local day."""

    day: str
    platform: str
    group_id: str
    channel_id: str
    user_id: str

    @property
    def member(self) -> MemberRef:
        return MemberRef(self.platform, self.user_id)


NO_NAMES: dict[str, str] = {}
# How many written names the recorder remembers (to skip writing an unchanged name again);
# past that it forgets them all and writes each name once more: memory stays bounded
# however many members speak.
NAMES_REMEMBERED = 20_000


class Batch(NamedTuple):
    """Counts and names taken from the buffer, written in one transaction."""

    counts: dict[BufferKey, list[int]]
    names: dict[str, dict[str, str]]
    events: int


class OptOuts(Protocol):
    """Who opted out: asked at every event (from memory), read again at every write."""

    def is_opted_out(self, member: MemberRef) -> bool: ...

    async def refresh(self) -> bool:
        """Read the opt-outs again from the database (inside the write's transaction);
        True when they changed."""
        ...


class NoOptOuts:
    """For a recorder without privacy (benchmarks, tests): nobody opted out."""

    def is_opted_out(self, member: MemberRef) -> bool:
        return False

    async def refresh(self) -> bool:
        return False


async def no_book(place: Place) -> Reading:
    """For a recorder without a reading plan (benchmarks, tests): no book, no chapter."""
    return Reading(book_id="")


class Recorder:
    def __init__(
        self,
        repo: ParticipationRepo,
        clock: Clock,
        tz: ZoneInfo,
        *,
        channels: frozenset[Channel] = frozenset(),
        flush_every: int = 500,
        flush_seconds: float = 10.0,
        reading_of: ReadingOf = no_book,
        opt_outs: OptOuts | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.channels = channels
        self.flush_every = flush_every
        self.interval = timedelta(seconds=flush_seconds)
        # The book and plan chapter of a place's group, asked at each write.
        self.reading_of = reading_of
        self.opt_outs: OptOuts = opt_outs or NoOptOuts()
        self.days = DayCache(tz)
        self._counts: dict[BufferKey, list[int]] = {}
        # Names by platform, then user id: plain strings, as they are asked at every event
        # (and a dict of strings costs the garbage collector nothing).
        self._names: dict[str, dict[str, str]] = {}
        # Names already in the database: a member's name is written again only when it changes.
        self._written_names: dict[str, dict[str, str]] = {}
        self._pending = 0
        self._full = asyncio.Event()
        # Held while the recorder writes, and by anything that deletes participation rows,
        # so a batch taken before an opt-out cannot land after the deletion.
        self.lock = asyncio.Lock()
        self._inflight: asyncio.Task[int] | None = None
        # The batch taken from the buffer and not yet written (being written, or failed
        # and waiting to be written again, whole).
        self._batch: Batch | None = None
        self._writing = False
        self._written = asyncio.Event()  # set at the end of each write
        self._remembered = 0  # names in _written_names
        self._failure: str | None = None  # the cause of the current run of failures
        self._failures = 0
        # When the buffer was last written (or the recorder made): the interval counts from it.
        self.written_at = clock.now()

    # -- taking events --------------------------------------------------------------------

    def record(self, activity: Activity) -> None:
        place = activity.place
        index = INDEX.get(activity.kind)
        if index is None or (
            self.channels and Channel(place.platform, place.channel_id) not in self.channels
        ):
            return  # a kind this recorder does not count, or a channel outside the circle
        key = BufferKey(
            self.days.day(activity.at),
            place.platform,
            place.group_id,
            place.channel_id,
            activity.user_id,
        )
        counts = self._counts.get(key)
        if counts is None:
            # The door: an opted-out member gets no count. A count taken before an opt-out
            # is dropped by forget() (this process) or left out by the next write (another).
            if self.opt_outs.is_opted_out(MemberRef(place.platform, activity.user_id)):
                return
            counts = self._counts[key] = [0] * WIDTH
        counts[index] += 1
        name = activity.display_name
        if self._written_names.get(place.platform, NO_NAMES).get(activity.user_id) != name:
            self._names.setdefault(place.platform, {})[activity.user_id] = name
        self._pending += 1
        if self._pending >= self.flush_every:
            self._full.set()

    async def room(self) -> None:
        """Wait while a batch is being written and the next one is already full
        (back-pressure); return at once otherwise."""
        while self._writing and self._pending >= self.flush_every:
            self._written.clear()
            await self._written.wait()

    @property
    def buffered(self) -> int:
        """Events taken since the last write (a failed batch's included)."""
        return self._pending + (self._batch.events if self._batch is not None else 0)

    def forget(self, member: MemberRef) -> None:
        """Drop what the buffer holds about a member (before it is written)."""
        # A batch being written is left alone: it lands before the deletion, which waits
        # for the lock. A failed batch waiting to be written again loses the member's part.
        waiting = self._batch if self._batch is not None and not self._writing else None
        for counts in (self._counts, waiting.counts if waiting else {}):
            for key in [k for k in counts if k.member == member]:
                del counts[key]
        for names in (self._names, waiting.names if waiting else {}):
            names.get(member.platform, {}).pop(member.user_id, None)
        self._written_names.get(member.platform, {}).pop(member.user_id, None)

    # -- writing --------------------------------------------------------------------------

    async def flush(self) -> int:
        """Write the buffer in one transaction, with a batch that failed before (whole, as
        it was taken) when there is one. Returns the number of daily rows touched. On
        failure the batch is kept, to be written again next time."""
        async with self.lock:
            self.written_at = self.clock.now()
            if self._batch is None and not self._counts and not self._names:
                self._pending = 0
                # Nothing to write, but an opt-in made elsewhere must open the door here
                # within one interval even while the member is all that speaks.
                await self._refresh_opt_outs()
                return 0
            batch = self._batch
            if batch is None:
                batch = self._batch = Batch(self._counts, self._names, self._pending)
            else:  # the failed batch, whole, with what came in since
                batch = self._batch = self._merged(batch)
            self._counts, self._names, self._pending = {}, {}, 0
            self._full.clear()
            touched = await self._write(batch)
            self._batch = None
            return touched

    def _merged(self, batch: Batch) -> Batch:
        for key, values in self._counts.items():
            mine = batch.counts.setdefault(key, [0] * WIDTH)
            for i, v in enumerate(values):
                mine[i] += v
        for platform, by_id in self._names.items():
            batch.names.setdefault(platform, {}).update(by_id)  # the newer names win
        return Batch(batch.counts, batch.names, batch.events + self._pending)

    async def _write(self, batch: Batch) -> int:
        self._writing = True
        try:
            async with self.repo.transaction():
                await self._refresh_opt_outs()
                rows = await self._rows(batch.counts)
                named = {
                    member: name
                    for platform, by_id in batch.names.items()
                    for user_id, name in by_id.items()
                    if not self.opt_outs.is_opted_out(member := MemberRef(platform, user_id))
                }
                await self.repo.write_batch(rows, named)
        except Exception as exc:
            self._failed(exc)
            raise
        finally:
            self._writing = False
            self._written.set()
        if self._failure is not None:
            log.warning(
                "participation counts written again after %d failed attempt(s)", self._failures
            )
            self._failure, self._failures = None, 0
        self._remember(named)
        return len(rows)

    def _failed(self, exc: Exception) -> None:
        """Log the cause of a failed write once per run of failures (a full disk fails
        every time until it is freed)."""
        cause = f"{type(exc).__name__}: {exc}"
        self._failures += 1
        if cause != self._failure:
            self._failure = cause
            log.error(
                "writing participation counts failed (%s); the batch is kept and written "
                "again every %d s",
                cause,
                self.interval.total_seconds(),
            )

    def _remember(self, named: Mapping[MemberRef, str]) -> None:
        if self._remembered + len(named) > NAMES_REMEMBERED:
            self._written_names.clear()
            self._remembered = 0
        for member, name in named.items():
            self._written_names.setdefault(member.platform, {})[member.user_id] = name
        self._remembered += len(named)

    async def _refresh_opt_outs(self) -> None:
        if await self.opt_outs.refresh():
            # Someone opted out or in elsewhere: their name may be gone from the database,
            # so every name is written again with its member's next event.
            self._written_names.clear()

    async def _rows(
        self, counts: Mapping[BufferKey, list[int]]
    ) -> list[tuple[DailyKey, list[int]]]:
        """The batch's daily rows: opted-out members left out, each group's book and chapter
        read now."""
        # Per platform, per group id: asked once per group and write.
        readings: dict[str, dict[str, Reading]] = {}
        rows = []
        for key, values in counts.items():
            if self.opt_outs.is_opted_out(key.member):
                continue
            groups = readings.setdefault(key.platform, {})
            reading = groups.get(key.group_id)
            if reading is None:
                place = Place(key.platform, key.group_id, key.channel_id)
                reading = groups[key.group_id] = await self.reading_of(place)
            daily = DailyKey(
                key.day,
                key.platform,
                key.group_id,
                key.channel_id,
                key.user_id,
                reading.book_id,
                reading.chapter or 0,
            )
            rows.append((daily, values))
        return rows

    async def run(self) -> None:
        """Write the buffer when it fills up or the interval has passed; forever."""
        failed = False
        while True:
            await self._wait(self.written_at + self.interval, listen=not failed)
            # Shielded: a shutdown that cancels this loop mid-write lets the write finish
            # (it holds the lock, so the final flush waits for it) instead of tearing it.
            self._inflight = asyncio.ensure_future(self.flush())
            try:
                await asyncio.shield(self._inflight)
                failed = False
            except asyncio.CancelledError:
                raise
            except Exception:
                failed = True  # logged by _write, once per run of failures

    async def _wait(self, deadline: datetime, listen: bool) -> None:
        sleeper = asyncio.ensure_future(self.clock.sleep_until(deadline))
        waiters: set[asyncio.Future[Any]] = {sleeper}
        if listen:
            waiters.add(asyncio.ensure_future(self._full.wait()))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def idle(self) -> None:
        """Wait until a write the loop has started is done (tests and shutdown use it)."""
        if self._inflight is not None and not self._inflight.done():
            await asyncio.wait({self._inflight})

    async def close(self) -> None:
        """Final write at shutdown: waits for a write in flight, then writes the rest."""
        if self._inflight is not None and not self._inflight.done():
            try:
                await self._inflight
            except Exception:
                log.exception("writing participation counts failed at shutdown; retrying")
        await self.flush()
