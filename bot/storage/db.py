"""The database interface every feature uses; `connect` opens SQLite or PostgreSQL.

Features write plain SQL with `?` parameters and call `execute`, `executemany`, `fetch`,
`fetchrow` and `fetchval`. A decision two processes could both make is taken inside
`async with db.transaction():`; every call made by the same task inside that block joins
the transaction, so repository methods compose without passing a connection around.

A database is named by a file path (SQLite, the embedded default) or by a
`postgresql://user@host:port/name` URL (PostgreSQL through an asyncpg pool; the password
comes from the environment, PGPASSWORD, never from the URL in a config file). SQL is
written once with `?` parameters; each backend speaks it in its own way. The interface
knows no feature.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from bot.storage.migrate import MigrationError

Params = Sequence[Any]


class Row(Protocol):
    """A result row: by column name or by position."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Any: ...


class DatabaseError(MigrationError):
    """The database cannot be opened or used (said clearly, never as a traceback)."""


class StorageUnavailable(Exception):
    """The database cannot do the work now (a full disk, a read-only or locked file, a
    lost server): nothing of the statement was kept, and trying again later may work.
    The message names the cause."""


class IntegrityError(Exception):
    """A statement broke a unique key or another constraint (the caller lost a race)."""


class RowShortcuts:
    """`fetchrow` and `fetchval`, derived from a backend's `fetch` (written once here)."""

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchrow(sql, params)
        return row[0] if row is not None else None


class Database(Protocol):
    """What features and the composition root see of a database."""

    dialect: str  # "sqlite" (and, later, "postgresql")
    # Appended to a SELECT that must lock the rows it reads until the transaction ends
    # ("" where the transaction already holds the whole database, as in SQLite).
    for_update: str
    # The same for a read that only needs the rows not to change under it: many readers
    # may hold it at once, a writer waits ("" on SQLite).
    for_share: str

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchrow(self, sql: str, params: Params = ()) -> Row | None: ...

    async def fetchval(self, sql: str, params: Params = ()) -> Any: ...

    def transaction(self) -> Any:
        """`async with db.transaction():` all or nothing; nested blocks join the outer one."""
        ...

    async def checkpoint(self) -> None:
        """Move what the write-ahead log holds into the database file and empty the log
        (after deleting a member's data, so it leaves the files too); nothing to do on a
        server that keeps its own files."""
        ...

    async def close(self) -> None: ...


def is_url(target: str | Path) -> bool:
    """Whether the config's `database` names a PostgreSQL server rather than a file."""
    return str(target).startswith(("postgresql://", "postgres://"))


async def connect(target: str | Path) -> Database:
    """Open the database (a file path or a postgresql:// URL) and apply the migrations."""
    if is_url(target):
        from bot.storage.postgres import connect_postgres

        return await connect_postgres(str(target))
    from bot.storage.sqlite import connect_sqlite

    return await connect_sqlite(target)
