"""Opening the SQLite database the way the bot always uses it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from bot.storage.migrate import MigrationError, migrate


class DatabaseError(MigrationError):
    """The database file cannot be opened or used (said clearly, never as a traceback)."""


async def connect(path: str | Path) -> aiosqlite.Connection:
    """Open (creating its folder), set WAL and foreign keys, and apply migrations."""
    try:
        return await _connect(path)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(f"cannot use {str(path)!r} as the database: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    text = str(exc)
    if "file is not a database" in text:
        return "the file is not an SQLite database"
    if "unable to open" in text:
        return "it cannot be opened (is it a folder, or not writable?)"
    return text


def _prepare(path: Path) -> None:
    # Checked before opening: aiosqlite leaves its thread behind when the open itself fails.
    if path.is_dir():
        raise DatabaseError(f"cannot use {str(path)!r} as the database: it is a folder")
    path.parent.mkdir(parents=True, exist_ok=True)


async def _connect(path: str | Path) -> aiosqlite.Connection:
    if str(path) != ":memory:":
        _prepare(Path(path))
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


async def connect_again(db: aiosqlite.Connection) -> aiosqlite.Connection | None:
    """A second connection to the same database file, or None for an in-memory database.

    The app's connection is shared by every feature and runs in autocommit mode: a
    BEGIN ... COMMIT on it could take in another feature's statements or collide with its
    BEGIN. A feature that writes in transactions (the participation recorder, the daily
    scheduler's claims) uses a connection of its own; SQLite's locking (WAL,
    busy_timeout) then orders its writes against everyone else's.
    """
    async with db.execute("SELECT file FROM pragma_database_list WHERE name = 'main'") as cur:
        row = await cur.fetchone()
    path = str(row[0]) if row else ""
    return await connect(path) if path else None
