"""A test bot in the errbot way: push a line into the console adapter, read what it shows."""

from __future__ import annotations

import io
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.adapters.console import ConsoleAdapter
from bot.app import App, build_app
from bot.config import Config
from bot.core.clock import FakeClock
from tests.databases import database_for

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CONTENT = ROOT / "content"
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class ConsoleBot:
    def __init__(self, app: App, adapter: ConsoleAdapter, out: io.StringIO) -> None:
        self.app = app
        self.adapter = adapter
        self.out = out

    async def say(self, line: str, user: str = "alice", moderator: bool = False) -> str:
        """What the console shows after `user` types `line` ('' for an ordinary message)."""
        return await self.adapter.handle(line, user=user, moderator=moderator)

    def posted(self) -> str:
        """What was posted without a command since the last call (daily quotes, timers)."""
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return text


def make_config(tmp_path: Path, **overrides: Any) -> Config:
    data: dict[str, Any] = {
        "database": database_for(tmp_path / "kruzhok.sqlite3"),
        "content": str(SHIPPED_CONTENT),
        "console": {"output_dir": str(tmp_path / "console")},
        "seed": 7,
    }
    data.update(overrides)
    return Config.model_validate(data)


@asynccontextmanager
async def console_bot(
    tmp_path: Path, clock: FakeClock | None = None, **overrides: Any
) -> AsyncIterator[ConsoleBot]:
    """Build the whole app on the console adapter; stop it cleanly afterwards."""
    config = make_config(tmp_path, **overrides)
    app = await build_app(config, clock=clock or FakeClock(START), rng=random.Random(7))
    out = io.StringIO()
    adapter = ConsoleAdapter(app.engine, config.console, stdin=io.StringIO(), stdout=out)
    try:
        await app.start()
        yield ConsoleBot(app, adapter, out)
    finally:
        await app.stop()
