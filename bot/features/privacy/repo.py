"""Opt-outs: who asked that nothing be recorded about them, and since when."""

from __future__ import annotations

from bot.core.refs import MemberRef
from bot.storage.db import Database


class OptOutRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> set[MemberRef]:
        return {
            MemberRef(r["platform"], r["user_id"])
            for r in await self.db.fetch("SELECT platform, user_id FROM participation_optouts")
        }

    async def has(self, member: MemberRef) -> bool:
        row = await self.db.fetchrow(
            "SELECT 1 FROM participation_optouts WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return row is not None

    async def add(self, member: MemberRef, since: str) -> None:
        await self.db.execute(
            "INSERT INTO participation_optouts (platform, user_id, since) VALUES (?, ?, ?) "
            "ON CONFLICT (platform, user_id) DO NOTHING",
            (member.platform, member.user_id, since),
        )

    async def remove(self, member: MemberRef) -> bool:
        count = await self.db.execute(
            "DELETE FROM participation_optouts WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return count > 0
