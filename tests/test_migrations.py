"""Migrations: a fresh database, an upgrade from an older one, a newer one refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.db import Database, connect
from bot.storage.migrate import MigrationError, available, current_version, migrate
from bot.storage.sqlite import SqliteDatabase


def write(folder: Path, name: str, sql: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(sql)


async def tables(db: Database) -> set[str]:
    return {r[0] for r in await db.fetch("SELECT name FROM sqlite_master WHERE type = 'table'")}


async def bare(path: Path) -> SqliteDatabase:
    """A database with no migration applied yet."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    return SqliteDatabase(conn, None, str(path))


async def test_fresh_database_gets_every_shipped_migration(tmp_path: Path) -> None:
    db = await connect(tmp_path / "fresh.sqlite3")
    try:
        assert await current_version(db) == available()[-1].version
        assert {"settings", "members"} <= await tables(db)
        assert await db.fetchval("PRAGMA journal_mode") == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await db.close()


async def test_upgrade_applies_only_the_new_migrations_and_keeps_data(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    write(folder, "0001_first.sql", "-- 0001: a\nCREATE TABLE a (x INTEGER);\n")
    db = await bare(tmp_path / "db.sqlite3")
    try:
        assert await migrate(db, folder) == 1
        await db.execute("INSERT INTO a (x) VALUES (42)")
        write(
            folder,
            "0002_second.sql",
            "-- 0002: b\nCREATE TABLE b (y TEXT);\nINSERT INTO b VALUES ('z');\n",
        )
        assert await migrate(db, folder) == 2
        assert [r[0] for r in await db.fetch("SELECT x FROM a")] == [42]
        assert [r[0] for r in await db.fetch("SELECT y FROM b")] == ["z"]
        assert await migrate(db, folder) == 2  # running again changes nothing
    finally:
        await db.close()


async def test_failed_migration_rolls_back_and_keeps_the_version(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    write(folder, "0001_first.sql", "CREATE TABLE a (x INTEGER);\n")
    write(folder, "0002_broken.sql", "CREATE TABLE b (y TEXT);\nTHIS IS NOT SQL;\n")
    db = await bare(tmp_path / "db.sqlite3")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(db, folder)
        assert await current_version(db) == 1
        assert "b" not in await tables(db)
    finally:
        await db.close()


async def test_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = await aiosqlite.connect(path)
    await db.execute("PRAGMA user_version = 999")
    await db.close()
    with pytest.raises(MigrationError, match="schema version 999, newer than this Kruzhok"):
        await connect(path)


def test_cli_refuses_a_newer_database_with_a_clear_message(tmp_path: Path, capsys) -> None:
    from bot.__main__ import main

    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {path}\n")
    assert main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "newer than this Kruzhok" in err and "Traceback" not in err


def test_two_migrations_with_one_number_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    write(folder, "0001_a.sql", "SELECT 1;")
    write(folder, "0001_b.sql", "SELECT 1;")
    with pytest.raises(MigrationError, match="share a number"):
        available(folder)
