"""Opt-outs: who asked that nothing be recorded about them, and since when.

A member is kept as a one-way digest of their platform and user id, never the id itself:
the opt-out must outlive `privacy delete`, which leaves no trace of the id or the name.
Honouring it only needs the digest of the member who speaks.
"""

from __future__ import annotations

import hashlib

from bot.core.refs import MemberRef
from bot.storage.db import Database


def digest(member: MemberRef) -> str:
    """sha256 of the platform and user id, as hex: the same member, the same digest."""
    return hashlib.sha256(f"{member.platform}\0{member.user_id}".encode()).hexdigest()


class OptOutRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> set[str]:
        """The digests of every member who opted out."""
        return {str(r[0]) for r in await self.db.fetch("SELECT digest FROM privacy_optouts")}

    async def has(self, member: MemberRef) -> bool:
        row = await self.db.fetchrow(
            "SELECT 1 FROM privacy_optouts WHERE digest = ?", (digest(member),)
        )
        return row is not None

    async def add(self, member: MemberRef, since: str) -> None:
        await self.db.execute(
            "INSERT INTO privacy_optouts (digest, since) VALUES (?, ?) "
            "ON CONFLICT (digest) DO NOTHING",
            (digest(member), since),
        )

    async def remove(self, member: MemberRef) -> bool:
        count = await self.db.execute(
            "DELETE FROM privacy_optouts WHERE digest = ?", (digest(member),)
        )
        return count > 0

    async def digest_legacy(self) -> int:
        """Move the opt-outs kept with ids in clear (before migration 0011) into the
        digested list; returns how many were moved."""
        async with self.db.transaction():
            rows = await self.db.fetch("SELECT platform, user_id, since FROM participation_optouts")
            await self.db.executemany(
                "INSERT INTO privacy_optouts (digest, since) VALUES (?, ?) "
                "ON CONFLICT (digest) DO NOTHING",
                [(digest(MemberRef(r[0], r[1])), r[2]) for r in rows],
            )
            await self.db.execute("DELETE FROM participation_optouts")
        return len(rows)
