"""Replies wait here and go out in their own task, in order, so a homeserver that makes
the bot wait (429 with `retry_after_ms`, which matrix-nio sleeps out) delays only the
replies, never the sync loop that reads the rooms. The owner (the adapter) runs `run`
while it syncs and drains what is left when it stops: nothing answered is dropped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.core.outbox import PostError

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class ReplyQueue:
    def __init__(self) -> None:
        self._jobs: asyncio.Queue[Job] = asyncio.Queue()

    def put(self, job: Job) -> None:
        self._jobs.put_nowait(job)

    def pending(self) -> int:
        return self._jobs.qsize()

    async def run(self) -> None:
        """Send queued replies one after another until cancelled."""
        while True:
            job = await self._jobs.get()
            try:
                await _attempt(job)
            finally:
                self._jobs.task_done()

    async def drain(self, within: float) -> None:
        """Send what is queued (the worker has stopped), for at most `within` seconds."""
        try:
            async with asyncio.timeout(within):
                while not self._jobs.empty():
                    job = self._jobs.get_nowait()
                    self._jobs.task_done()
                    await _attempt(job)
        except TimeoutError:
            log.warning("matrix: %d repl(ies) not sent at shutdown", self._jobs.qsize() + 1)


async def _attempt(job: Job) -> None:
    try:
        await job()
    except PostError as exc:
        log.warning("matrix: %s", exc)
    except Exception:
        log.exception("matrix: sending a reply failed")
