"""The reminder loop: it sleeps until the next reminder is due (or an hour at most, so
reminders another process turned on are seen), sends what is due, and sleeps again. A
reminder turned on here wakes it at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.supervisor import Supervisor
from bot.features.review.reminders import Reminders
from bot.features.review.repo import from_epoch

log = logging.getLogger(__name__)

LOOK_AGAIN = timedelta(hours=1)


class ReminderScheduler:
    def __init__(self, reminders: Reminders, clock: Clock) -> None:
        self.reminders = reminders
        self.clock = clock
        self._poked = asyncio.Event()
        reminders.changed = self.poke

    def poke(self) -> None:
        self._poked.set()

    def start(self, supervisor: Supervisor) -> None:
        supervisor.spawn("review-reminders", self.run())

    async def run(self) -> None:
        while True:
            self._poked.clear()
            now = self.clock.now()
            until = now + LOOK_AGAIN
            try:
                await self.reminders.dispatch_due(now)
                nxt = await self.reminders.repo.next_reminder()
                # One due but not sent here (another process's platform) waits its turn.
                if nxt is not None and from_epoch(nxt) > now:
                    until = min(until, from_epoch(nxt))
            except Exception:
                log.exception("review: a round of reminders failed")
            await self._sleep(until)

    async def _sleep(self, until: datetime) -> None:
        sleeper = asyncio.ensure_future(self.clock.sleep_until(until))
        poked = asyncio.ensure_future(self._poked.wait())
        try:
            await asyncio.wait((sleeper, poked), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, poked):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
