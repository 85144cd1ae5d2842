"""One loop posts every channel's daily quote.

It sends what is due, asks the database for the next due time and sleeps until then
(`Clock.sleep_until`), or until a schedule changes (`poke()`), whichever comes first. It
never polls. The app's supervisor owns the task and cancels it at shutdown. A failure of
one round is logged and the round is tried again a minute later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.clock import Clock
from bot.core.supervisor import Supervisor

log = logging.getLogger(__name__)

RETRY = timedelta(minutes=1)


class DueSource(Protocol):
    async def dispatch_due(self, now: datetime) -> int: ...

    async def next_due(self) -> datetime | None: ...


class DailyScheduler:
    def __init__(self, source: DueSource, clock: Clock) -> None:
        self.source = source
        self.clock = clock
        self._wake = asyncio.Event()
        self._changed = asyncio.Event()
        self._sleeping = False
        self._until: datetime | None = None
        self._running = False

    def poke(self) -> None:
        """A schedule changed: look at the database again now."""
        self._wake.set()

    @property
    def sleeping_until(self) -> datetime | None:
        """When the loop wakes next (None: only when poked); None while it works too."""
        return self._until if self._sleeping else None

    def start(self, supervisor: Supervisor) -> None:
        """Hand the loop to its owner, which cancels it at shutdown."""
        self._running = True
        supervisor.spawn("daily-quotes", self.run())

    async def run(self) -> None:
        self._running = True
        stuck = 0
        try:
            while True:
                self._wake.clear()
                until = await self._finish(asyncio.create_task(self._round()))
                now = self.clock.now()
                # Something still due right after a round: another copy changed it, so look
                # again at once, but never spin: after a few tries wait a minute.
                stuck = stuck + 1 if until is not None and until <= now else 0
                if stuck >= 3:
                    log.warning("daily quotes: posts stay due after %d rounds; waiting", stuck)
                    until = now + RETRY
                await self._sleep(until)
        finally:
            self._running = False
            self._sleeping = False
            self._changed.set()

    async def _round(self) -> datetime | None:
        try:
            await self.source.dispatch_due(self.clock.now())
            return await self.source.next_due()
        except Exception:
            log.exception("daily quotes: a round failed; trying again in a minute")
            return self.clock.now() + RETRY

    @staticmethod
    async def _finish(round_: asyncio.Task[datetime | None]) -> datetime | None:
        """Wait for a round; if cancelled meanwhile (shutdown), let the round end first, so
        that posts claimed in the database are also sent and recorded."""
        try:
            return await asyncio.shield(round_)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await round_
            raise

    async def _sleep(self, until: datetime | None) -> None:
        waiters: list[asyncio.Task[object]] = [asyncio.create_task(self._wake.wait())]
        if until is not None:
            waiters.append(asyncio.create_task(self.clock.sleep_until(until)))
        try:
            await asyncio.sleep(0)  # let the waiters start before calling the loop idle
            self._until = until
            self._sleeping = True
            self._changed.set()
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            for waiter in waiters:
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
            self._sleeping = False
            self._changed.set()

    def idle(self) -> bool:
        """Asleep with nothing due and no change waiting (or not running at all)."""
        if not self._running:
            return True
        if not self._sleeping or self._wake.is_set():
            return False
        return self._until is None or self._until > self.clock.now()

    async def wait_idle(self) -> None:
        """Return once the loop has done everything due now (for tests and benchmarks).

        This waits for work to finish, not for time to pass: with a test clock nothing
        becomes due while it waits.
        """
        while not self.idle():
            self._changed.clear()
            await self._changed.wait()
