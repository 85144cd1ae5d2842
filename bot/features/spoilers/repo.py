"""The spoiler_settings table: one row per group that has set its spoiler mode."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.refs import GroupRef
from bot.core.spoilers import SpoilerMode
from bot.storage.db import Database


class SpoilersRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def mode(self, group: GroupRef) -> SpoilerMode | None:
        """The group's mode; None when it never set one (or the stored word is unknown)."""
        raw = await self.db.fetchval(
            "SELECT mode FROM spoiler_settings WHERE platform = ? AND group_id = ?",
            (group.platform, group.group_id),
        )
        try:
            return SpoilerMode(raw) if raw is not None else None
        except ValueError:
            return None

    async def set_mode(self, group: GroupRef, mode: SpoilerMode, at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO spoiler_settings (platform, group_id, mode, set_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, group_id) DO UPDATE SET "
            "mode = excluded.mode, set_at = excluded.set_at",
            (group.platform, group.group_id, mode.value, at.astimezone(UTC).isoformat()),
        )
