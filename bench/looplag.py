"""The event loop's lag while some work runs: a ticker task wakes every 5 ms and records
how late it woke (shared by the benchmarks that measure it)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

TICK = 0.005


async def lag_while(work: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """(seconds, the loop's worst lateness in seconds) of one run of `work()`."""
    worst = 0.0
    done = False

    async def ticker() -> None:
        nonlocal worst
        loop = asyncio.get_running_loop()
        while not done:
            planned = loop.time() + TICK
            await asyncio.sleep(TICK)
            worst = max(worst, loop.time() - planned)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    start = time.perf_counter()
    await work()
    seconds = time.perf_counter() - start
    done = True
    await task
    return seconds, worst
