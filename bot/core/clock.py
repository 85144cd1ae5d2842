"""Time is injected: core code asks a Clock, tests advance a FakeClock."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

# A testing aid: when set, `python -m bot run` reads the time from this file (FileClock).
CLOCK_FILE_ENV = "KRUZHOK_CLOCK_FILE"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return once `now() >= when`."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        delay = (when - self.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)


class FileClock:
    """A testing aid for real processes: the current time is the ISO 8601 timestamp in a
    file (with its timezone), which a test rewrites to move time on. Sleepers poll it."""

    def __init__(self, path: Path, poll: float = 0.02) -> None:
        self.path = path
        self.poll = poll

    def now(self) -> datetime:
        when = datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        if when.tzinfo is None:
            raise ValueError(f"{self.path}: the time needs a timezone, e.g. +00:00")
        return when.astimezone(UTC)

    async def sleep_until(self, when: datetime) -> None:
        # Polling is the point: another process moves the time by writing the file.
        while self.now() < when:  # noqa: ASYNC110 (no event can say a file changed)
            await asyncio.sleep(self.poll)


def clock_from_env() -> Clock:
    """The file clock when KRUZHOK_CLOCK_FILE names a file (tests), else the real one."""
    path = os.environ.get(CLOCK_FILE_ENV, "").strip()
    return FileClock(Path(path)) if path else SystemClock()


class FakeClock:
    """A clock that only moves when a test says so. Sleepers wake when it passes their time."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    async def sleep_until(self, when: datetime) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((when, future))
        await future

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)
        self._wake()

    async def advance(self, delta: timedelta | float) -> None:
        """Move time forward, wake the sleepers that are due and let them run."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        self._now += delta
        self._wake()
        await settle()

    @property
    def sleepers(self) -> int:
        return sum(1 for _, f in self._sleepers if not f.done())

    def sleepers_until(self, when: datetime) -> int:
        """How many wait to wake exactly at `when` (other loops sleep on the same clock)."""
        return sum(1 for at, f in self._sleepers if at == when and not f.done())

    def _wake(self) -> None:
        keep: list[tuple[datetime, asyncio.Future[None]]] = []
        for when, future in self._sleepers:
            if future.done():
                continue
            if when <= self._now:
                future.set_result(None)
            else:
                keep.append((when, future))
        self._sleepers = keep


async def settle(rounds: int = 20) -> None:
    """Yield to the event loop a few times so woken tasks run (this waits for no time)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
