"""SQLite behind the database interface: the embedded default.

One writer connection guarded by a lock (a transaction holds it from BEGIN IMMEDIATE to
COMMIT, so no other statement of this process slips into it, and SQLite's own locking
orders it against other processes), and one reader connection for reads made outside a
transaction (WAL lets them run beside a write).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

import aiosqlite

from bot.storage.db import (
    DatabaseError,
    IntegrityError,
    Params,
    Row,
    RowShortcuts,
    StorageUnavailable,
)
from bot.storage.migrate import migrate


class SqliteDatabase(RowShortcuts):
    dialect = "sqlite"
    for_update = ""
    for_share = ""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection | None, path: str
    ) -> None:
        self._writer = writer
        self._reader = reader or writer
        self._own_reader = reader is not None
        self.path = path
        self._lock = asyncio.Lock()
        # The task whose transaction this context is in. A task created inside a
        # transaction (a timer) inherits the context but not the transaction: it waits
        # for the lock like any other task.
        self._owner: ContextVar[asyncio.Task[object] | None] = ContextVar(
            f"sqlite-tx-{id(self)}", default=None
        )

    # -- transactions ---------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._inside():
            yield  # joins the transaction this task already holds
            return
        async with self._lock:
            token = self._owner.set(asyncio.current_task())
            try:
                await self._begin()
                try:
                    yield
                except BaseException:
                    await self._rollback()
                    raise
                try:
                    with _mapped():
                        await _to_the_end(self._writer.execute("COMMIT"))
                except BaseException:
                    await self._rollback()
                    raise
            finally:
                self._owner.reset(token)

    def _inside(self) -> bool:
        """Whether the running task holds the transaction (not merely its context)."""
        owner = self._owner.get()
        return owner is not None and owner is asyncio.current_task()

    async def _rollback(self) -> None:
        """Roll back what is still open. SQLite may have rolled the transaction back
        itself (a full disk does): then there is nothing to do, and the error that ended
        it, not "cannot rollback - no transaction is active", is the one passed on."""
        if not self._writer.in_transaction:
            return
        # The error that ended the transaction is the one that matters, not the rollback's.
        with contextlib.suppress(sqlite3.Error):
            await _to_the_end(self._writer.execute("ROLLBACK"))

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, leaving no transaction open behind a cancellation: a shutdown
        that cancels the caller after SQLite began must not leave the connection inside
        a transaction (and the file's write lock held) for every later statement."""
        try:
            with _mapped():
                await _to_the_end(self._writer.execute("BEGIN IMMEDIATE"))
        except asyncio.CancelledError:
            await self._rollback()
            raise

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._inside():
            yield self._writer
        else:
            async with self._lock:
                yield self._writer

    def _read_conn(self) -> aiosqlite.Connection | None:
        """The connection for a read: the transaction's, else the reader (None: take the lock)."""
        if self._inside():
            return self._writer
        return self._reader if self._own_reader else None

    # -- statements -----------------------------------------------------------------------

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._writing() as conn:
            with _mapped():
                cursor = await conn.execute(sql, tuple(params))
            count = cursor.rowcount
            await cursor.close()
            return max(count, 0)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._writing() as conn, _mapped_async():
            await conn.executemany(sql, [tuple(r) for r in rows])

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        if _writes(sql):
            async with self._writing() as conn:
                return await _fetchall(conn, sql, params)
        reader = self._read_conn()
        if reader is not None:
            return await _fetchall(reader, sql, params)
        async with self._writing() as conn:
            return await _fetchall(conn, sql, params)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the file and truncate it (waiting for readers,
        within the busy timeout); the deleted values are then gone from both files."""
        if self.path == ":memory:":
            return
        async with self._writing() as conn, _mapped_async():
            await _fetchall(conn, "PRAGMA wal_checkpoint(TRUNCATE)", ())

    async def close(self) -> None:
        if self._own_reader:
            await self._reader.close()
        await self._writer.close()


async def _to_the_end(statement: Awaitable[object]) -> None:
    """Let a BEGIN, COMMIT or ROLLBACK finish even when the caller is cancelled meanwhile
    (its thread runs it anyway); the cancellation is passed on once it has."""
    task = asyncio.ensure_future(statement)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


def _writes(sql: str) -> bool:
    """An INSERT/UPDATE/DELETE ... RETURNING read through fetch must go to the writer."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head not in ("SELECT", "WITH", "PRAGMA", "VALUES")


async def _fetchall(conn: aiosqlite.Connection, sql: str, params: Params) -> list[Row]:
    with _mapped():  # one trip to the connection's thread, not three (execute, fetch, close)
        return list(await conn.execute_fetchall(sql, tuple(params)))


# SQLite's primary result codes that mean "cannot do it now", not "wrong SQL".
_UNAVAILABLE = {
    sqlite3.SQLITE_FULL: "the disk (or the database's size limit) is full",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written",
    sqlite3.SQLITE_READONLY: "the database file is read-only",
    sqlite3.SQLITE_BUSY: "the database stayed locked by another process",
    sqlite3.SQLITE_LOCKED: "the database stayed locked",
    sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened",
}


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    """sqlite3's errors as the interface's: IntegrityError for a broken constraint,
    StorageUnavailable (naming the cause) for a full disk, a read-only or locked file."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        raise IntegrityError(str(exc)) from exc
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        cause = _UNAVAILABLE.get(code)
        if cause is None:
            raise
        raise StorageUnavailable(f"{cause} ({exc})") from exc


@asynccontextmanager
async def _mapped_async() -> AsyncIterator[None]:
    with _mapped():
        yield


# -- opening ----------------------------------------------------------------------------


async def connect_sqlite(path: str | Path) -> SqliteDatabase:
    """Open (creating its folder), set WAL and foreign keys, and apply migrations."""
    try:
        return await _connect(str(path))
    except (sqlite3.Error, OSError, StorageUnavailable) as exc:
        raise DatabaseError(f"cannot use {str(path)!r} as the database: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return "the file (or its folder) is read-only; the bot needs to write to it"
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


async def _open(path: str) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = aiosqlite.Row
        # First, so that what follows waits for another process opening the file too.
        await conn.execute("PRAGMA busy_timeout = 10000")
        await _use_wal(conn)
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        # Deleted or replaced values (a typed quiz answer) are overwritten, not left in
        # free pages of the file.
        await conn.execute("PRAGMA secure_delete = ON")
    except BaseException:
        await conn.close()
        raise
    return conn


WAL_ATTEMPTS = 200  # about two seconds at most


async def _use_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL. On a new file opened by several processes at once SQLite may answer
    "database is locked" at once, without waiting for busy_timeout: try again shortly."""
    for attempt in range(WAL_ATTEMPTS):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.01)


async def _check_writable(conn: aiosqlite.Connection) -> None:
    """Refuse at start a database the bot could read but not write (a read-only file or
    folder), rather than fail at every later write: a table created and rolled back."""
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.execute("CREATE TABLE kruzhok_write_probe (x INTEGER)")
    finally:
        await conn.execute("ROLLBACK")


async def _connect(path: str) -> SqliteDatabase:
    memory = path == ":memory:"
    if not memory:
        _prepare(Path(path))
    writer = await _open(path)
    reader: aiosqlite.Connection | None = None
    try:
        db = SqliteDatabase(writer, None, path)
        await migrate(db)
        await _check_writable(writer)
        if not memory:
            reader = await _open(path)
            db = SqliteDatabase(writer, reader, path)
    except BaseException:
        if reader is not None:
            await reader.close()
        await writer.close()
        raise
    return db
