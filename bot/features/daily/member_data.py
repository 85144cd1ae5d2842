"""What the daily feature keeps about members: the id of the moderator who last changed a
channel's schedule. `privacy show` names it and `privacy delete` clears it."""

from __future__ import annotations

from bot.core.refs import MemberRef
from bot.storage.db import Database


class ScheduleEditors:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def describe(self, member: MemberRef) -> str | None:
        count = await self.db.fetchval(
            "SELECT COUNT(*) FROM daily_schedules WHERE platform = ? AND updated_by = ?",
            (member.platform, member.user_id),
        )
        if not count:
            return None
        return f"Daily quotes: you are named as the last to change {count} channel schedule(s)."

    async def forget(self, member: MemberRef) -> None:
        await self.db.execute(
            "UPDATE daily_schedules SET updated_by = NULL WHERE platform = ? AND updated_by = ?",
            (member.platform, member.user_id),
        )
