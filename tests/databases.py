"""Which database the tests use: SQLite files (the default) or, with
KRUZHOK_TEST_DATABASE=postgresql, databases on a real PostgreSQL that the test run starts
itself (tests/pg/server.py) and stops at its end. `make test` runs the suite both ways.

A test names its database as it always did, by a file in its tmp_path
(`tmp_path / "kruzhok.sqlite3"`); `database_for` turns that into what the config's
`database` says in the current mode, and `rows` reads either kind."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import sqlite3
import threading
from pathlib import Path

import asyncpg

from bot.storage.postgres import to_dollar
from tests.pg.server import PostgresServer, in_thread

MODE = os.environ.get("KRUZHOK_TEST_DATABASE", "sqlite")
POSTGRES = MODE == "postgresql"

_server: PostgresServer | None = None
_created: set[str] = set()
_lock = threading.Lock()


def server() -> PostgresServer:
    """The session's PostgreSQL, started on first use and stopped when the run ends."""
    global _server
    with _lock:
        if _server is None:
            started = PostgresServer()
            started.start()
            atexit.register(started.stop)
            _server = started
        return _server


def database_for(file: Path | str) -> str:
    """The `database` config value for what a test calls `file`."""
    path = Path(file)
    if not POSTGRES or str(file).startswith("postgresql://") or path.exists():
        return str(file)  # (a SQLite file the test put there itself, e.g. an old release's)
    name = "t_" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:20]
    pg = server()
    if name not in _created:
        with contextlib.suppress(asyncpg.DuplicateDatabaseError):
            pg.create_database(name)
        _created.add(name)
    return pg.url(name)


def rows(file: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run a query (with ? parameters) on the test's database; rows as tuples."""
    target = database_for(file)
    if not target.startswith("postgresql://"):
        con = sqlite3.connect(target)
        try:
            return list(con.execute(sql, params).fetchall())
        finally:
            con.close()

    async def query() -> list[tuple[object, ...]]:
        conn = await asyncpg.connect(target)
        try:
            return [tuple(r) for r in await conn.fetch(to_dollar(sql), *params)]
        finally:
            await conn.close()

    return in_thread(query)


def stored_bytes(file: Path | str) -> bytes:
    """Every byte the database keeps on disk: the SQLite file with its -wal and -shm, or,
    on PostgreSQL, the whole cluster's data folder (tables and write-ahead log) after a
    checkpoint. A privacy test searches it for text that must never be stored."""
    target = database_for(file)
    if not target.startswith("postgresql://"):
        files = [Path(target), Path(f"{target}-wal"), Path(f"{target}-shm")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    async def checkpoint() -> None:
        conn = await asyncpg.connect(target)
        try:
            await conn.execute("CHECKPOINT")
        finally:
            await conn.close()

    in_thread(checkpoint)
    folder = server().data
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def stored_text(file: Path | str) -> str:
    """Every value of every table of the database, as text (what a query can still read)."""
    tables_sql = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        if POSTGRES
        else "SELECT name FROM sqlite_master WHERE type = 'table'"
    )
    parts = []
    for (table,) in rows(file, tables_sql):
        parts.extend(repr(row) for row in rows(file, f'SELECT * FROM "{table}"'))
    return "\n".join(parts)
