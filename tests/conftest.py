from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.harness import START, ConsoleBot, console_bot


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def console(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleBot]:
    async with console_bot(tmp_path, clock) as bot:
        yield bot


# The loopback fake of Discord (the `fake_discord` fixture) and one Synapse for the
# session (the Matrix tests' fixtures).
pytest_plugins = ("tests.discord_fake.fixtures", "tests.matrix.fixtures", "tests.pg.fixtures")
