"""Opening the SQLite database the way the bot always uses it."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.storage.migrate import migrate


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open (creating its folder), set WAL and foreign keys, and apply migrations."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = await aiosqlite.connect(str(path), isolation_level=None)
    try:
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA busy_timeout = 5000")
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return db
