"""Named leases: at most one holder of a name at a time, across the processes that share a
database. The lease knows nothing of what it guards, and no clock: callers pass `now`.

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a connection
  taken from the pool for as long as the lease is held. It dies with that connection, so
  the lease of a killed process is free at once.
- SQLite: a row of `leases` (holder, deadline), taken in a transaction when it is free,
  past its deadline or already this holder's; the holder renews it before the deadline.
  A holder that stops renewing loses it to the next taker once the deadline has passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresDatabase

# A holder that cannot reach its connection for this long counts it as gone.
PING_TIMEOUT = 10.0


class NamedLease(Protocol):
    name: str
    holder: str

    async def take(self, now: datetime) -> bool:
        """Take the lease if it is free (or extend it if already held); True when held."""
        ...

    async def renew(self, now: datetime) -> bool:
        """Keep the held lease; False when it is lost (taken by another, connection gone)."""
        ...

    async def held(self) -> bool:
        """Whether the lease is still this holder's, as the database says now."""
        ...

    async def release(self) -> None:
        """Give the lease up; nothing happens when it is not held."""
        ...


def open_lease(db: Database, name: str, holder: str, ttl: timedelta) -> NamedLease:
    """The lease called `name` for `holder` (unique per process); `ttl` is how long a row
    lease lasts without renewal (SQLite; an advisory lock needs none)."""
    if db.dialect == "postgresql":
        from bot.storage.postgres import PostgresDatabase

        if not isinstance(db, PostgresDatabase):
            raise TypeError(f"a postgresql database that is not a PostgresDatabase: {db!r}")
        return AdvisoryLease(db, name, holder)
    return RowLease(db, name, holder, ttl)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class RowLease:
    """A lease row with a deadline (SQLite; it works on any database with the table)."""

    def __init__(self, db: Database, name: str, holder: str, ttl: timedelta) -> None:
        self.db = db
        self.name = name
        self.holder = holder
        self.ttl = ttl

    async def take(self, now: datetime) -> bool:
        async with self.db.transaction():
            count = await self.db.execute(
                "INSERT INTO leases (name, holder, deadline) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "deadline = excluded.deadline "
                "WHERE leases.holder = excluded.holder OR leases.deadline <= ?",
                (self.name, self.holder, _ms(now + self.ttl), _ms(now)),
            )
        return count == 1

    async def renew(self, now: datetime) -> bool:
        async with self.db.transaction():
            count = await self.db.execute(
                "UPDATE leases SET deadline = ? WHERE name = ? AND holder = ?",
                (_ms(now + self.ttl), self.name, self.holder),
            )
        return count == 1

    async def held(self) -> bool:
        holder = await self.db.fetchval("SELECT holder FROM leases WHERE name = ?", (self.name,))
        return bool(holder == self.holder)

    async def release(self) -> None:
        await self.db.execute(
            "DELETE FROM leases WHERE name = ? AND holder = ?", (self.name, self.holder)
        )


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for a lease name (stable across processes)."""
    digest = hashlib.sha256(f"kruzhok-lease:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLease:
    """A session-level advisory lock on a connection kept out of the pool while held."""

    def __init__(self, db: PostgresDatabase, name: str, holder: str) -> None:
        self.db = db
        self.name = name
        self.holder = holder
        self.key = lock_key(name)
        self._conn: Any = None
        self._busy = asyncio.Lock()  # one statement at a time on the held connection

    async def take(self, now: datetime) -> bool:
        async with self._busy:
            if self._conn is not None:
                return await self._ping()
            conn = await self.db.take_connection()
            try:
                got = await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key)
            except BaseException:
                await self._give_back(conn)
                raise
            if not got:
                await self._give_back(conn)
                return False
            self._conn = conn
            return True

    async def renew(self, now: datetime) -> bool:
        async with self._busy:
            return await self._ping()

    async def held(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def release(self) -> None:
        async with self._busy:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            with contextlib.suppress(Exception):  # a dead connection holds no lock
                await conn.fetchval("SELECT pg_advisory_unlock($1)", self.key)
            await self._give_back(conn)

    async def _ping(self) -> bool:
        """The session (and so the lock) is alive; on failure the connection is dropped."""
        conn = self._conn
        if conn is None:
            return False
        try:
            await conn.fetchval("SELECT 1", timeout=PING_TIMEOUT)
        except Exception:
            self._conn = None
            await self._give_back(conn)
            return False
        return True

    async def _give_back(self, conn: Any) -> None:
        with contextlib.suppress(Exception):  # the pool drops a broken connection itself
            await self.db.give_back(conn)
