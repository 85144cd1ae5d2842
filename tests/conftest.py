from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.discord_fake.server import FakeDiscord
from tests.harness import START, ConsoleBot, console_bot


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def console(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleBot]:
    async with console_bot(tmp_path, clock) as bot:
        yield bot


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A loopback fake of Discord; discord.py's REST base and gateway point at it."""
    import discord
    import yarl

    route_base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    fake = FakeDiscord()
    await fake.start()
    fake.point_discord_here()
    try:
        yield fake
    finally:
        await fake.stop()
        discord.http.Route.BASE = route_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway))
