"""Copy every table of one database into another (`python -m bot db copy SRC DST`).

Both databases are opened by the caller with `connect`, so both are at the schema of this
code. Tables are found in the database catalogue (sqlite_master, information_schema), not
listed here, so a table a new migration adds is copied without touching this module; only
the schema-version bookkeeping is left out (`schema_version` on PostgreSQL; SQLite keeps
its version in PRAGMA user_version, which is no table). Tables are copied parents first,
in the order their foreign keys give, all in one transaction on the destination: the
copy lands whole or not at all. A destination holding any row is refused before anything
is written. After a copy into PostgreSQL the identity sequences are moved past the
largest id copied, so the rows the bot adds next get fresh ids.

The source is read in one transaction, as one snapshot; still, stop the bot first: rows
it writes after the snapshot would not be copied (and the counts printed afterwards would
differ).

SQLite stores what it is given; PostgreSQL wants each value as its column's type, so on
the way into PostgreSQL a value is converted by the destination column's type (an
integer kept as text in a BIGINT column becomes an int, a number in a TEXT column its
text). A value that cannot be converted stops the copy, naming the table and column.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg

from bot.storage.db import Database, DatabaseError, IntegrityError, Row

BATCH = 5000  # rows sent per statement (or per COPY)
BOOKKEEPING = frozenset({"schema_version"})
# What a driver raises when a statement fails (raised again as one CopyError line).
DRIVER_ERRORS = (sqlite3.Error, asyncpg.PostgresError, asyncpg.InterfaceError, IntegrityError)


class CopyError(DatabaseError):
    """The copy cannot be made (a non-empty destination, a value PostgreSQL refuses)."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    destination: int

    @property
    def matches(self) -> bool:
        return self.source == self.destination


# -- the catalogue --------------------------------------------------------------------------


def quote(name: str) -> str:
    """An identifier from the catalogue, quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


async def tables(db: Database) -> list[str]:
    """Our tables, by name (the schema-version bookkeeping and SQLite's own left out)."""
    if db.dialect == "postgresql":
        rows = await db.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        rows = await db.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(str(r[0]) for r in rows if str(r[0]) not in BOOKKEEPING)


async def columns(db: Database, table: str) -> dict[str, str]:
    """A table's columns in order, each with its declared type (lower case)."""
    if db.dialect == "postgresql":
        rows = await db.fetch(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? "
            "ORDER BY ordinal_position",
            (table,),
        )
    else:
        rows = await db.fetch("SELECT name, type FROM pragma_table_info(?) ORDER BY cid", (table,))
    return {str(r[0]): str(r[1]).lower() for r in rows}


async def references(db: Database, table: str) -> set[str]:
    """The tables a table's foreign keys point at."""
    if db.dialect == "postgresql":
        rows = await db.fetch(
            "SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.confrelid "
            "WHERE k.contype = 'f' AND k.conrelid = to_regclass(?)",
            (quote(table),),
        )
        return {str(r[0]) for r in rows}
    rows = await db.fetch('SELECT "table" FROM pragma_foreign_key_list(?)', (table,))
    return {str(r[0]) for r in rows}


async def copy_order(db: Database) -> list[str]:
    """Every table, each after the tables it refers to (by name where the keys allow)."""
    names = await tables(db)
    parents = {t: (await references(db, t)) & set(names) - {t} for t in names}
    ordered: list[str] = []
    while parents:
        ready = sorted(t for t, p in parents.items() if not p - set(ordered))
        if not ready:  # a cycle of foreign keys: no order can satisfy it row by row
            raise CopyError(f"the foreign keys of {', '.join(sorted(parents))} form a cycle")
        for t in ready:
            ordered.append(t)
            del parents[t]
    return ordered


async def count(db: Database, table: str) -> int:
    return int(await db.fetchval(f"SELECT COUNT(*) FROM {quote(table)}"))  # noqa: S608 - a name from the catalogue


async def nonempty(db: Database) -> list[str]:
    """The tables of ours that hold at least one row."""
    found = []
    for table in await tables(db):
        if await db.fetchval(f"SELECT 1 FROM {quote(table)} LIMIT 1") is not None:  # noqa: S608 - a name from the catalogue
            found.append(table)
    return found


# -- values ---------------------------------------------------------------------------------


def _to_int(value: Any) -> int:
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise ValueError


def _to_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return {"1": True, "0": False, "true": True, "false": False}[value.strip().lower()]
    return bool(_to_int(value))


def _to_float(value: Any) -> float:
    return float(value)


_PG_TYPES: dict[str, Callable[[Any], Any]] = {
    "bigint": _to_int,
    "integer": _to_int,
    "smallint": _to_int,
    "text": _to_text,
    "character varying": _to_text,
    "character": _to_text,
    "boolean": _to_bool,
    "double precision": _to_float,
    "real": _to_float,
}


def converter(
    table: str, names: list[str], types: dict[str, str], dialect: str
) -> Callable[[Iterable[Any]], tuple[Any, ...]]:
    """Turns a source row into one the destination takes (PostgreSQL: by column type)."""
    if dialect != "postgresql":
        return tuple
    steps = [_PG_TYPES.get(types[name]) for name in names]

    def convert(row: Iterable[Any]) -> tuple[Any, ...]:
        out = []
        for name, step, value in zip(names, steps, row, strict=True):
            if value is None or step is None:
                out.append(value)
                continue
            try:
                out.append(step(value))
            except (ValueError, KeyError, UnicodeDecodeError):
                raise CopyError(
                    f"table {table}, column {name}: a {type(value).__name__} value that "
                    f"PostgreSQL's {types[name]} cannot hold"
                ) from None
        return tuple(out)

    return convert


# -- the copy -------------------------------------------------------------------------------


async def copy_database(source: Database, destination: Database) -> list[TableCount]:
    """Copy every table; return each table's row count on both sides, read afterwards."""
    order = await copy_order(destination)
    missing = sorted(set(await tables(source)) - set(order))
    if missing:
        raise CopyError(f"the destination has no table {', '.join(missing)}")
    try:
        async with destination.transaction(), source.transaction():
            # The source is read as one snapshot: on SQLite the transaction holds off other
            # writers; on PostgreSQL every table is read as of the first read.
            if source.dialect == "postgresql":
                await source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            full = await nonempty(destination)
            if full:
                raise CopyError(
                    f"the destination is not empty ({', '.join(full)} hold rows); "
                    "copy only into a new, empty database"
                )
            for table in order:
                await _copy_table(source, destination, table)
            if destination.dialect == "postgresql":
                await _reset_identities(destination, order)
    except DRIVER_ERRORS as exc:
        raise CopyError(f"the copy failed, nothing was kept: {_first_line(exc)}") from None
    return [TableCount(t, await count(source, t), await count(destination, t)) for t in order]


async def _copy_table(source: Database, destination: Database, table: str) -> None:
    types = await columns(destination, table)
    have = await columns(source, table)
    absent = [c for c in types if c not in have]
    if absent:
        raise CopyError(f"table {table}: the source has no column {', '.join(absent)}")
    names = list(types)
    listed = ", ".join(quote(c) for c in names)
    convert = converter(table, names, types, destination.dialect)
    copy_rows = getattr(destination, "copy_rows", None)
    marks = ", ".join("?" for _ in names)
    async for rows in _read(source, table, listed, len(names)):
        part = [convert(row) for row in rows]
        if copy_rows is not None:
            await copy_rows(table, names, part)
        else:
            await destination.executemany(
                f"INSERT INTO {quote(table)} ({listed}) VALUES ({marks})",  # noqa: S608 - names from the catalogue
                part,
            )


async def _read(
    source: Database, table: str, listed: str, width: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """A table's rows, BATCH at a time: by rowid on SQLite (the common source, so a large
    file is never held in memory whole); at once from PostgreSQL."""
    sql = (
        await source.fetchval(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        )
        if source.dialect == "sqlite"
        else None
    )
    if sql is None or "WITHOUT ROWID" in str(sql).upper():
        rows = await source.fetch(f"SELECT {listed} FROM {quote(table)}")  # noqa: S608 - names from the catalogue
        for start in range(0, len(rows), BATCH):
            yield [_values(r, 0, width) for r in rows[start : start + BATCH]]
        return
    after = -(2**63)
    while True:
        rows = await source.fetch(
            f"SELECT rowid, {listed} FROM {quote(table)} "  # noqa: S608 - names from the catalogue
            "WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, BATCH),
        )
        if not rows:
            return
        after = int(rows[-1][0])
        yield [_values(r, 1, width) for r in rows]


def _values(row: Row, skip: int, width: int) -> tuple[Any, ...]:
    return tuple(row[i] for i in range(skip, skip + width))


async def _reset_identities(db: Database, order: list[str]) -> None:
    """Move each identity sequence past the largest id copied (or to 1 on an empty table)."""
    rows = await db.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() "
        "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')"
    )
    for row in rows:
        table, column = str(row[0]), str(row[1])
        if table not in order:
            continue
        await db.fetchval(
            f"SELECT setval(pg_get_serial_sequence(?, ?), "  # noqa: S608 - names from the catalogue
            f"COALESCE(MAX({quote(column)}), 0) + 1, false) FROM {quote(table)}",
            (quote(table), column),
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
