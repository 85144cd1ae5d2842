"""PostgreSQL behind the database interface: an asyncpg connection pool.

SQL arrives with `?` parameters and is sent with `$1, $2, ...` (translated once per
statement text, never inside a quoted literal). A transaction takes one pooled
connection for its whole block; every call made by the same task inside the block runs
on it. Outside a transaction each call takes any free connection.

The URL names user, host, port and database; the password comes from the environment
(PGPASSWORD, which asyncpg reads like libpq) and is refused in the URL, so it can never
sit in a config file or reach a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from bot.storage.db import (
    DatabaseError,
    IntegrityError,
    Params,
    Row,
    RowShortcuts,
    StorageUnavailable,
)
from bot.storage.migrate import migrate

# Between the pool's connections a statement text is prepared once per connection.
POOL_MIN = 1
POOL_MAX = 10

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?")
_COUNT = re.compile(r"(\d+)$")


@lru_cache(maxsize=2048)
def to_dollar(sql: str) -> str:
    """'... WHERE a = ? AND b = ?' -> '... WHERE a = $1 AND b = $2' (quoted text kept)."""
    n = 0

    def number(match: re.Match[str]) -> str:
        nonlocal n
        if match.group(0) != "?":
            return match.group(0)
        n += 1
        return f"${n}"

    return _TOKEN.sub(number, sql)


def _count(status: str) -> int:
    """'UPDATE 3' -> 3; 'INSERT 0 1' -> 1; anything without a count -> 0."""
    found = _COUNT.search(status or "")
    return int(found.group(1)) if found else 0


def safe_url(url: str) -> str:
    """The URL as it may be shown: without a password (there should be none)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


class PostgresDatabase(RowShortcuts):
    dialect = "postgresql"
    for_update = " FOR UPDATE"
    for_share = " FOR SHARE"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = safe_url(url)
        # The transaction's connection and the task that holds it. A task created
        # inside a transaction (a timer) inherits the context but takes a connection of
        # its own: the transaction's is never used by two tasks, nor after it is returned.
        self._tx: ContextVar[tuple[asyncio.Task[object] | None, Any] | None] = ContextVar(
            f"pg-tx-{id(self)}", default=None
        )

    def _own_connection(self) -> Any:
        """The running task's transaction connection, or None."""
        held = self._tx.get()
        return held[1] if held is not None and held[0] is asyncio.current_task() else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._own_connection() is not None:
            yield  # joins the transaction this task already holds
            return
        with _mapped():  # a COMMIT refused for a full disk is StorageUnavailable too
            async with self._pool.acquire() as conn, conn.transaction():
                token = self._tx.set((asyncio.current_task(), conn))
                try:
                    yield
                finally:
                    self._tx.reset(token)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        conn = self._own_connection()
        if conn is not None:
            yield conn
        else:
            async with self._pool.acquire() as fresh:
                yield fresh

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._connection() as conn:
            with _mapped():
                status = await conn.execute(to_dollar(sql), *params)
        return _count(status)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        batch = [tuple(r) for r in rows]
        if not batch:
            return
        async with self._connection() as conn:
            with _mapped():
                await conn.executemany(to_dollar(sql), batch)

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection() as conn:
            with _mapped():
                return list(await conn.fetch(to_dollar(sql), *params))

    async def checkpoint(self) -> None:
        """Nothing to do: the server keeps (and recycles) its own files."""

    async def copy_rows(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """The fast path for many rows (db copy): PostgreSQL's COPY."""
        async with self._connection() as conn:
            await conn.copy_records_to_table(table, records=rows, columns=columns)

    async def take_connection(self) -> Any:
        """A pooled connection for the caller alone until `give_back` (a lease held as a
        session-level lock keeps one). Give it back before `close`, which waits for it."""
        return await self._pool.acquire()

    async def give_back(self, conn: Any) -> None:
        await self._pool.release(conn)

    async def close(self) -> None:
        await self._pool.close()


async def connect_postgres(url: str) -> PostgresDatabase:
    parts = urlsplit(url)
    if parts.password:
        raise DatabaseError(
            f"the database URL {safe_url(url)!r} carries a password: put it in the "
            "environment variable PGPASSWORD instead, never in a config file"
        )
    try:
        pool = await asyncpg.create_pool(url, min_size=POOL_MIN, max_size=POOL_MAX)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseError(
            f"cannot use {safe_url(url)!r} as the database: {_reason(exc)}"
        ) from None
    db = PostgresDatabase(pool, url)
    try:
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return db


# The server's answers that mean "cannot do it now" (a full disk, a read-only standby, a
# shutdown or a lost connection), not "wrong SQL".
_UNAVAILABLE = (
    asyncpg.InsufficientResourcesError,
    asyncpg.ReadOnlySQLTransactionError,
    asyncpg.OperatorInterventionError,
    asyncpg.CannotConnectNowError,
    asyncpg.ConnectionDoesNotExistError,
    ConnectionError,
)


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    """asyncpg's errors as the interface's (IntegrityError, StorageUnavailable)."""
    try:
        yield
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise IntegrityError(str(exc)) from exc
    except _UNAVAILABLE as exc:
        raise StorageUnavailable(_reason(exc)) from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text
