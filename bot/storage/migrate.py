"""Forward-only migrations: migrations/NNNN_name.sql applied in order, each in its own
transaction; the version lives in PRAGMA user_version. A database newer than the code is
refused rather than guessed at."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path

import aiosqlite

NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available(folder: Path | None = None) -> list[Migration]:
    if folder is None:
        base = resources.files("bot.storage") / "migrations"
        entries = [(e.name, e.read_text(encoding="utf-8")) for e in base.iterdir()]
    else:
        entries = [(p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir()]
    found = []
    for name, sql in entries:
        match = NAME.match(name)
        if match:
            found.append(Migration(int(match.group(1)), name, sql))
    found.sort(key=lambda m: m.version)
    for before, after in pairwise(found):
        if before.version == after.version:
            raise MigrationError(f"migrations {before.name} and {after.name} share a number")
    return found


async def current_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, folder: Path | None = None) -> int:
    """Bring the database up to the newest migration; return the version it is at."""
    migrations = available(folder)
    newest = migrations[-1].version if migrations else 0
    version = await current_version(db)
    if version > newest:
        raise MigrationError(
            f"the database is at schema version {version}, newer than this Kruzhok knows "
            f"({newest}); run a newer Kruzhok or restore a backup"
        )
    for migration in migrations:
        if migration.version <= version:
            continue
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in split_statements(migration.sql):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {migration.version:d}")
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
        version = migration.version
    return version


def split_statements(sql: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if buffer.strip().endswith(";") and _complete(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _complete(statement: str) -> bool:
    return sqlite3.complete_statement(statement)
