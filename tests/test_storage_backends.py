"""The database interface behaves the same on SQLite and on a real PostgreSQL: the same
schema from the same migrations, transactions that compose and roll back whole, unique
keys that refuse a second winner, and a database newer than the code refused on both."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import asyncpg
import pytest

from bot.storage.db import Database, DatabaseError, IntegrityError, connect
from bot.storage.migrate import MigrationError, available, current_version, migrate
from bot.storage.postgres import to_dollar
from tests.pg.server import PostgresServer


async def columns(db: Database) -> dict[str, list[str]]:
    """Every table of ours and its columns, in order."""
    if db.dialect == "postgresql":
        rows = await db.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name <> 'schema_version' "
            "ORDER BY table_name, ordinal_position"
        )
    else:
        rows = await db.fetch(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
            "WHERE m.type = 'table' ORDER BY m.name, p.cid"
        )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(str(row[0]), []).append(str(row[1]))
    return found


async def test_the_same_migrations_give_the_same_schema_on_both(
    tmp_path: Path, postgres_url: str
) -> None:
    lite = await connect(tmp_path / "k.sqlite3")
    pg = await connect(postgres_url)
    try:
        assert await current_version(lite) == await current_version(pg) == available()[-1].version
        lite_tables, pg_tables = await columns(lite), await columns(pg)
        assert {"settings", "quizzes", "daily_schedules", "activity_daily"} <= set(lite_tables)
        assert pg_tables == lite_tables
    finally:
        await lite.close()
        await pg.close()


async def test_a_transaction_is_all_or_nothing_and_nested_blocks_join_it(
    any_database: str,
) -> None:
    db = await connect(any_database)
    try:
        async with db.transaction():
            await db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("a", "1"))
            async with db.transaction():  # a repository method that opens its own block
                await db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("b", "2"))

        async def fails_half_way() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("c", "3"))
                raise RuntimeError("stop")

        with pytest.raises(RuntimeError, match="stop"):
            await fails_half_way()
        rows = await db.fetch("SELECT key, value FROM settings ORDER BY key")
        assert [(r["key"], r["value"]) for r in rows] == [("a", "1"), ("b", "2")]
    finally:
        await db.close()


async def test_a_unique_key_lets_one_of_two_concurrent_writers_win(any_database: str) -> None:
    db = await connect(any_database)
    try:

        async def claim(who: str) -> bool:
            try:
                async with db.transaction():
                    await db.execute(
                        "INSERT INTO settings (key, value) VALUES (?, ?)", ("claim", who)
                    )
            except IntegrityError:
                return False
            return True

        results = await asyncio.gather(*(claim(f"w{n}") for n in range(8)))
        assert results.count(True) == 1
        assert await db.fetchval("SELECT COUNT(*) FROM settings WHERE key = 'claim'") == 1
    finally:
        await db.close()


async def test_execute_counts_changed_rows_and_question_marks_in_text_stay_text(
    any_database: str,
) -> None:
    db = await connect(any_database)
    try:
        await db.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?)", [("k1", "?"), ("k2", "x")]
        )
        changed = await db.execute("UPDATE settings SET value = 'why?' WHERE key LIKE ?", ("k%",))
        assert changed == 2
        assert await db.fetchval("SELECT value FROM settings WHERE key = ?", ("k1",)) == "why?"
        assert await db.execute("DELETE FROM settings WHERE key = ?", ("none",)) == 0
    finally:
        await db.close()


def test_question_marks_become_numbered_parameters_outside_quotes() -> None:
    assert to_dollar("SELECT ? , '?' , \"a?\" , ?") == "SELECT $1 , '?' , \"a?\" , $2"
    assert to_dollar("UPDATE t SET a = 'it''s?' WHERE b = ?") == (
        "UPDATE t SET a = 'it''s?' WHERE b = $1"
    )


async def test_a_database_newer_than_the_code_is_refused_on_both(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    url = postgres.create_database()
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE TABLE schema_version (version BIGINT NOT NULL)")
        await conn.execute("INSERT INTO schema_version VALUES (999)")
    finally:
        await conn.close()
    with pytest.raises(MigrationError, match="schema version 999, newer than this Kruzhok"):
        await connect(url)


async def test_two_processes_starting_at_once_apply_each_migration_once(
    postgres_url: str,
) -> None:
    """Two pools migrating one fresh database at the same moment: no error, one version."""
    first, second = await asyncio.gather(connect(postgres_url), connect(postgres_url))
    try:
        assert await current_version(first) == available()[-1].version
        assert await first.fetchval("SELECT COUNT(*) FROM schema_version") == 1
        assert await migrate(second) == available()[-1].version
    finally:
        await first.close()
        await second.close()


async def test_a_password_in_the_url_is_refused_and_never_echoed(postgres: PostgresServer) -> None:
    url = postgres.url().replace("postgres@", "postgres:hunter2@")
    with pytest.raises(DatabaseError) as caught:
        await connect(url)
    assert "PGPASSWORD" in str(caught.value)
    assert "hunter2" not in str(caught.value)


async def test_an_unreachable_server_is_one_clear_error(postgres: PostgresServer) -> None:
    closed = postgres.url().replace(str(postgres.port), "1")
    with pytest.raises(
        DatabaseError, match=re.escape("cannot use 'postgresql://postgres@127.0.0.1:1/")
    ):
        await connect(closed)


async def test_a_transaction_cancelled_half_way_leaves_nothing_and_the_database_usable(
    any_database: str,
) -> None:
    """Shutdown cancels background work mid-transaction: its writes vanish, the next
    transaction of the same process starts and commits as usual."""
    db = await connect(any_database)
    try:
        inside = asyncio.Event()

        async def interrupted() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("half", "1"))
                inside.set()
                await asyncio.Event().wait()  # until cancelled

        task = asyncio.create_task(interrupted())
        await inside.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with db.transaction():
            await db.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ("next", "2"))
        rows = await db.fetch("SELECT key FROM settings ORDER BY key")
        assert [r["key"] for r in rows] == ["next"]
    finally:
        await db.close()
