"""bot/storage/copy.py on its own: tables come from the catalogue (a table added later is
copied without a change to the copy), parents before the tables that refer to them, new
ids after the copied ones on PostgreSQL, and a value PostgreSQL cannot hold stops the
whole copy with the table and column named, leaving the destination empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.copy import CopyError, converter, copy_database, copy_order, nonempty
from bot.storage.db import Database, connect
from bot.storage.migrate import for_postgresql

EXTRA = (
    "CREATE TABLE aa_child (id INTEGER PRIMARY KEY, "
    "parent_id INTEGER NOT NULL REFERENCES zz_parent (id), note TEXT)",
    "CREATE TABLE zz_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
)


async def add_tables(db: Database) -> None:
    """Tables a later migration might add (made in the order that lets them refer)."""
    for sql in reversed(EXTRA):
        await db.execute(for_postgresql(sql) if db.dialect == "postgresql" else sql)


async def test_parents_come_before_the_tables_that_refer_to_them(
    tmp_path: Path, postgres_url: str
) -> None:
    for target in (str(tmp_path / "k.sqlite3"), postgres_url):
        db = await connect(target)
        try:
            await add_tables(db)
            order = await copy_order(db)
            for parent, child in (
                ("quizzes", "quiz_answers"),
                ("quizzes", "quiz_reveals"),
                ("daily_schedules", "daily_posts"),
                ("matrix_choice_messages", "matrix_reactions"),
                ("zz_parent", "aa_child"),
            ):
                assert order.index(parent) < order.index(child), (db.dialect, parent, child)
            assert "schema_version" not in order
            assert {"settings", "activity_daily", "group_books"} <= set(order)
        finally:
            await db.close()


async def test_a_table_added_later_is_copied_and_new_ids_follow_the_copied_ones(
    tmp_path: Path, postgres_url: str
) -> None:
    lite = await connect(tmp_path / "k.sqlite3")
    pg = await connect(postgres_url)
    try:
        for db in (lite, pg):
            await add_tables(db)
        await lite.executemany(
            "INSERT INTO zz_parent (id, name) VALUES (?, ?)", [(1, "a"), (7, "b")]
        )
        await lite.executemany(
            "INSERT INTO aa_child (id, parent_id, note) VALUES (?, ?, ?)",
            [(3, 7, "x"), (4, 1, None)],
        )
        counts = {c.table: (c.source, c.destination) for c in await copy_database(lite, pg)}
        assert counts["zz_parent"] == (2, 2) and counts["aa_child"] == (2, 2)
        rows = await pg.fetch("SELECT id, parent_id, note FROM aa_child ORDER BY id")
        assert [tuple(r) for r in rows] == [(3, 7, "x"), (4, 1, None)]
        # Identity sequences moved past the copied ids; an empty table starts at 1.
        assert await pg.fetchval("INSERT INTO zz_parent (name) VALUES ('c') RETURNING id") == 8
        assert (
            await pg.fetchval(
                "INSERT INTO reading_plans (platform, group_id, set_at) VALUES ('c', 'g', 't') "
                "RETURNING id"
            )
            == 1
        )
    finally:
        await lite.close()
        await pg.close()


async def test_a_value_postgresql_cannot_hold_stops_the_copy_and_keeps_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    lite = await connect(tmp_path / "k.sqlite3")
    pg = await connect(postgres_url)
    try:
        await lite.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
        await lite.execute(
            "INSERT INTO reading_plans (platform, group_id, chapter, set_at) "
            "VALUES ('console', 'g', 'fifteen', 't')"
        )
        await lite.execute(
            "INSERT INTO reading_plans (platform, group_id, chapter, set_at) "
            "VALUES ('console', 'h', '15', 't')"
        )
        with pytest.raises(CopyError, match="table reading_plans, column chapter: a str value"):
            await copy_database(lite, pg)
        assert await nonempty(pg) == []
        await lite.execute("DELETE FROM reading_plans WHERE chapter = 'fifteen'")
        counts = await copy_database(lite, pg)
        assert all(c.matches for c in counts)
        assert await pg.fetchval("SELECT chapter FROM reading_plans") == 15
    finally:
        await lite.close()
        await pg.close()


def test_values_are_converted_to_the_postgresql_column_types() -> None:
    types = {"n": "bigint", "t": "text", "b": "boolean", "x": "bytea"}
    convert = converter("t1", list(types), types, "postgresql")
    assert convert((" 15", 3, 1, b"\x00")) == (15, "3", True, b"\x00")
    assert convert((2.0, "a", "0", None)) == (2, "a", False, None)
    assert convert((None, None, None, None)) == (None, None, None, None)
    with pytest.raises(CopyError, match="table t1, column n: a float value"):
        convert((2.5, "a", 1, None))
    assert converter("t1", list(types), types, "sqlite")([1, "2"]) == (1, "2")


async def test_rows_are_read_and_written_in_batches_without_losing_one(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.storage.copy.BATCH", 2)
    lite = await connect(tmp_path / "k.sqlite3")
    pg = await connect(postgres_url)
    back = await connect(tmp_path / "back.sqlite3")
    try:
        settings = [(f"k{i}", f"v{i}") for i in range(7)]
        await lite.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", settings)
        await lite.execute("DELETE FROM settings WHERE key = 'k3'")  # a gap in the rowids
        await copy_database(lite, pg)
        await copy_database(pg, back)
        for db in (pg, back):
            rows = await db.fetch("SELECT key, value FROM settings ORDER BY key")
            assert [(r[0], r[1]) for r in rows] == [s for s in settings if s[0] != "k3"]
    finally:
        for db in (lite, pg, back):
            await db.close()
