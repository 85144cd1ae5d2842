"""Plain SQL with ? parameters; rows become dataclasses. Features add their own repos."""

from __future__ import annotations

import aiosqlite


class SettingsRepo:
    """Small values kept across restarts (e.g. a hash of the synced Discord commands)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        async with self.db.execute("SELECT value FROM settings WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
