"""Processes started together on one new database: each migration is applied once, the
others wait for it and find it done (seen first as a flaky start of two consoles)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.storage.db import connect
from bot.storage.migrate import available, current_version


async def test_several_openings_of_one_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    for attempt in range(10):
        path = tmp_path / f"new-{attempt}.sqlite3"
        opened = await asyncio.gather(*(connect(path) for _ in range(4)))
        try:
            for db in opened:
                assert await current_version(db) == available()[-1].version
        finally:
            for db in opened:
                await db.close()
