"""Run the whole app with the real discord.py client against the loopback fake."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.adapters.discord.adapter import DiscordAdapter
from bot.app import App, build_app
from bot.core.clock import FakeClock
from tests.discord_fake.server import FakeDiscord
from tests.harness import START, make_config

TOKEN = "fake-token-never-logged"


@dataclass
class DiscordBot:
    app: App
    adapter: DiscordAdapter
    task: asyncio.Task[None]

    def alive(self) -> bool:
        """The client's connect() task is still running (it did not die on a bad payload)."""
        return not self.task.done()


@asynccontextmanager
async def discord_bot(
    tmp_path: Path,
    fake: FakeDiscord,
    clock: FakeClock | None = None,
    setup: Any = None,
    **overrides: Any,
) -> AsyncIterator[DiscordBot]:
    """Build the app with the Discord adapter only, connect it to the fake, wait until ready.

    `setup(app)` runs before the adapter is made (e.g. to add a test-only command).
    """
    discord_section = {"guild_ready_timeout": 0.2, **overrides.pop("discord", {})}
    config = make_config(tmp_path, adapters=["discord"], discord=discord_section, **overrides)
    app = await build_app(config, clock=clock or FakeClock(START), rng=random.Random(7))
    if setup is not None:
        setup(app)
    adapter = DiscordAdapter(app.engine, app.state(), config.discord, TOKEN)
    # The order of run_until_done: connect, wait until ready, then resume stored state.
    task = asyncio.create_task(adapter.run())
    try:
        ready = asyncio.create_task(adapter.wait_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=15, return_when="FIRST_COMPLETED")
        if ready not in done:
            ready.cancel()
            if task.done():
                task.result()  # raise what killed the client
            raise TimeoutError("the Discord client did not become ready")
        await app.start()
        yield DiscordBot(app, adapter, task)
        assert not task.done(), f"the client's connect() task died: {task}"
    finally:
        await adapter.client.close()
        await asyncio.wait({task}, timeout=10)
        await app.stop()
