"""The participation recorder: an activity sink that counts events per member, group,
channel, local day and chapter being read, in memory, and writes the counts in batches.

`record()` never blocks and never touches the database: it adds one to a counter. The
buffer is written when `flush_every` events have come in, or `flush_seconds` after the
last write, whichever comes first, and at shutdown. Only counts and the member's id and
display name are kept, never what anyone wrote. A member who opted out is dropped at
the door, and `forget()` removes what the buffer already holds about them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.activity import Activity, ActivityKind
from bot.core.clock import Clock
from bot.core.refs import Place
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


class Recorder:
    def __init__(
        self,
        repo: ParticipationRepo,
        clock: Clock,
        tz: ZoneInfo,
        *,
        channels: frozenset[str] = frozenset(),
        flush_every: int = 500,
        flush_seconds: float = 10.0,
        chapter_of: Callable[[Place], int | None] = lambda place: None,
        opted_out: set[tuple[str, str]] | None = None,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.channels = channels
        self.flush_every = flush_every
        self.interval = timedelta(seconds=flush_seconds)
        self.chapter_of = chapter_of
        # Shared with Privacy: (platform, user_id) of members who opted out.
        self.opted_out = opted_out if opted_out is not None else set()
        self.days = DayCache(tz)
        self._counts: dict[DailyKey, list[int]] = {}
        self._names: dict[tuple[str, str], str] = {}
        # Names already in the database: a member's name is written again only when it changes.
        self._written_names: dict[tuple[str, str], str] = {}
        self._pending = 0
        self._full = asyncio.Event()
        # Held while the recorder writes, and by anything that deletes participation rows,
        # so a batch taken before an opt-out cannot land after the deletion.
        self.lock = asyncio.Lock()
        self._inflight: asyncio.Task[int] | None = None
        # When the buffer was last written (or the recorder made): the interval counts from it.
        self.written_at = clock.now()

    # -- taking events --------------------------------------------------------------------

    def record(self, activity: Activity) -> None:
        place = activity.place
        index = INDEX.get(activity.kind)
        if index is None or (self.channels and place.channel_key not in self.channels):
            return  # a kind this recorder does not count, or a channel outside the circle
        who = (place.platform, activity.user_id)
        if who in self.opted_out:
            return
        key = (
            self.days.day(activity.at),
            place.platform,
            place.group_id,
            place.channel_id,
            activity.user_id,
            self.chapter_of(place) or 0,
        )
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = [0] * WIDTH
        counts[index] += 1
        if self._written_names.get(who) != activity.display_name:
            self._names[who] = activity.display_name
        self._pending += 1
        if self._pending >= self.flush_every:
            self._full.set()

    @property
    def buffered(self) -> int:
        """Events taken since the last write."""
        return self._pending

    def forget(self, platform: str, user_id: str) -> None:
        """Drop what the buffer holds about a member (before it is written)."""
        for key in [k for k in self._counts if k[1] == platform and k[4] == user_id]:
            del self._counts[key]
        self._names.pop((platform, user_id), None)
        self._written_names.pop((platform, user_id), None)

    # -- writing --------------------------------------------------------------------------

    async def flush(self) -> int:
        """Write the buffer in one transaction; returns the number of daily rows touched.

        On failure the counts go back into the buffer, to be written next time.
        """
        async with self.lock:
            self.written_at = self.clock.now()
            if not self._counts and not self._names:
                self._pending = 0
                return 0
            counts, names = self._counts, self._names
            self._counts, self._names, self._pending = {}, {}, 0
            self._full.clear()
            rows = [(k, v) for k, v in counts.items() if (k[1], k[4]) not in self.opted_out]
            named = [(p, u, n) for (p, u), n in names.items() if (p, u) not in self.opted_out]
            try:
                await self.repo.write_batch(rows, named)
            except BaseException:
                self._put_back(rows, named)
                raise
            self._written_names.update(((p, u), n) for p, u, n in named)
            return len(rows)

    def _put_back(
        self, rows: list[tuple[DailyKey, list[int]]], names: list[tuple[str, str, str]]
    ) -> None:
        for key, values in rows:
            counts = self._counts.setdefault(key, [0] * WIDTH)
            for i, v in enumerate(values):
                counts[i] += v
            self._pending += sum(values)
        for platform, user_id, name in names:
            self._names.setdefault((platform, user_id), name)

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
                log.exception("writing participation counts failed; will retry")
                failed = True

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
