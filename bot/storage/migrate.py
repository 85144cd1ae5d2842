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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.db import Database

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


async def current_version(db: Database) -> int:
    return int(await db.fetchval("PRAGMA user_version") or 0)


async def migrate(db: Database, folder: Path | None = None) -> int:
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
        async with db.transaction():
            # Read again under the write lock: another process starting on the same new
            # database at the same moment may have applied it since.
            version = await current_version(db)
            if migration.version <= version:
                continue
            for statement in split_statements(migration.sql):
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {migration.version:d}")
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
