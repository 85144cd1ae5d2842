"""The stats computed by the database show what the old Python code showed on the same
fixed data (tests/participation_fixed_data.py; the old outputs are written down in
tests/participation_expected.py), on SQLite and on PostgreSQL; the members' table that
replaces the scan of the history follows the recorder, retention and a member's deletion."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.clock import FakeClock
from bot.core.refs import GroupRef, MemberRef, Place
from bot.features.participation import sums
from bot.features.participation.charts import ChartSpec
from bot.features.participation.feature import ParticipationFeature
from bot.features.participation.repo import UPSERT, DailyKey, ParticipationRepo
from bot.features.participation.stats import ranking
from bot.storage.db import Database, connect
from bot.storage.migrate import migrate
from bot.storage.sqlite import SqliteDatabase
from tests.harness import console_bot
from tests.participation_expected import EXPECTED
from tests.participation_fixed_data import daily_rows, write_fixed_data
from tests.participation_support import write_book

MIGRATIONS = Path(__file__).resolve().parent.parent / "bot" / "storage" / "migrations"


def chart_data(spec: ChartSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "bars": spec.bars,
        "line": spec.line,
        "progress": spec.progress,
        "progress_max": spec.progress_max,
        "days": (str(spec.days[0]), len(spec.days)),
        "chapters": spec.chapters,
        "plan": (spec.plan_chapter, spec.plan_label),
    }


async def test_stats_from_the_database_show_what_the_old_code_showed(
    tmp_path: Path, clock: FakeClock
) -> None:
    content = write_book(tmp_path)
    drawn: list[ChartSpec] = []

    async def record(spec: ChartSpec) -> bytes:
        drawn.append(spec)
        return b"\x89PNG\r\n\x1a\n"

    async with console_bot(tmp_path, clock, content=str(content), book="testbook") as bot:
        bot.app.feature("participation", ParticipationFeature).stats.render = record
        await bot.say("/plan set 2", user="mod", moderator=True)
        await write_fixed_data(bot.app.db, bot.adapter.place)
        for command, (text, chart) in EXPECTED.items():
            drawn.clear()
            shown = re.sub(r"\[chart saved to [^\]]*\]", "[chart]", await bot.say(command))
            assert shown == text, command
            assert (chart_data(drawn[0]) if drawn else None) == chart, command


async def test_rankings_count_messages_replies_and_reactions_not_commands(
    any_database: str,
) -> None:
    db = await connect(any_database)
    try:
        await migrate(db)
        repo = ParticipationRepo(db)
        group = GroupRef("console", "g")

        def row(user: str, counts: tuple[int, ...]) -> tuple[DailyKey, tuple[int, ...]]:
            return DailyKey("2026-11-20", "console", "g", "c", user, "b", 0), counts

        await repo.write_batch(
            [
                row("ann", (1, 1, 1, 0, 0, 0)),
                row("bot-fan", (0, 0, 0, 0, 0, 40)),
                row("cy", (1, 0, 0, 0, 0, 2)),
                row("quiet", (0, 0, 0, 0, 0, 0)),
            ],
            {MemberRef("console", "ann"): "Ann"},
        )
        who = await repo.period_members(group, "2026-11-01", "2026-11-30", 5)
        top = [(name, t.ranked, t.ranked_parts()) for name, t in ranking(who.top)]
        assert top == [("Ann", 3, "1 message, 1 reply, 1 reaction"), ("cy", 1, "1 message")]
        assert (who.active, who.commanders) == (3, 2)
        assert await repo.active_members(group) == {"ann", "bot-fan", "cy", "quiet"}
        assert await repo.member_count(group, ["cy", "newcomer"]) == 5
        nobody = await repo.period_members(group, "2026-10-01", "2026-10-31", 5)
        assert (nobody.active, nobody.commanders, nobody.top) == (0, 0, [])
    finally:
        await db.close()


GROUP_DAYS_FROM_ROWS = (
    "SELECT platform, group_id, day, SUM(messages), SUM(thread_replies), SUM(reactions), "
    "SUM(quiz_answers), SUM(quiz_correct), SUM(commands), COUNT(DISTINCT CASE WHEN "
    "messages + thread_replies + reactions + quiz_answers + commands > 0 THEN user_id END) "
    "FROM activity_daily GROUP BY platform, group_id, day"
)
MEMBER_MONTHS_FROM_ROWS = (
    "SELECT platform, group_id, user_id, substr(day, 1, 7), MIN(day), SUM(messages), "
    "SUM(thread_replies), SUM(reactions), SUM(quiz_answers), SUM(quiz_correct), SUM(commands) "
    "FROM activity_daily GROUP BY platform, group_id, user_id, substr(day, 1, 7)"
)


async def sums_match_rows(db: Database) -> None:
    """The kept sums are what the daily rows sum to now."""

    async def table(sql: str) -> list[tuple[object, ...]]:
        return sorted(
            tuple(int(v) if isinstance(v, int) else v for v in r) for r in await db.fetch(sql)
        )

    assert await table("SELECT * FROM activity_group_days") == await table(GROUP_DAYS_FROM_ROWS)
    assert await table("SELECT * FROM activity_member_months") == await table(
        MEMBER_MONTHS_FROM_ROWS
    )
    members = await table("SELECT platform, group_id, user_id FROM activity_members")
    assert members == await table("SELECT DISTINCT platform, group_id, user_id FROM activity_daily")


async def test_the_kept_sums_follow_every_batch_of_the_fixed_data(any_database: str) -> None:
    db = await connect(any_database)
    try:
        await migrate(db)
        await write_fixed_data(db, Place("console", "console", "general"))
        await sums_match_rows(db)
        # Written again in small batches, in another order: the same sums, doubled.
        repo = ParticipationRepo(db)
        rows = daily_rows(GroupRef("console", "console"))[::-1]
        for start in range(0, len(rows), 37):
            await repo.write_batch(rows[start : start + 37], {})
        await sums_match_rows(db)
        await repo.delete_member(MemberRef("console", "u03"))
        assert await repo.delete_before("2026-08-15") > 0
        await sums_match_rows(db)
        # Sums lost (rows written around the recorder) are made again from the rows.
        await db.execute("DELETE FROM activity_group_days WHERE day > '2026-10-01'")
        await db.execute("DELETE FROM activity_members WHERE user_id = 'u01'")
        await sums.rebuild(db)
        await sums_match_rows(db)
    finally:
        await db.close()


async def test_migration_0013_sums_the_rows_kept_before_it(tmp_path: Path) -> None:
    """Daily rows written before 0013 get their members and sums when it runs (SQLite: a
    database opened without migrating it first)."""
    older = tmp_path / "older"
    older.mkdir()
    for sql in sorted(MIGRATIONS.glob("00*.sql")):
        if sql.name < "0013":
            shutil.copy(sql, older / sql.name)
    conn = await aiosqlite.connect(tmp_path / "old.sqlite3", isolation_level=None)
    db = SqliteDatabase(conn, None, str(tmp_path / "old.sqlite3"))
    try:
        await migrate(db, older)
        for key, counts in daily_rows(GroupRef("console", "console"))[:300]:
            await db.execute(UPSERT, (*key, *counts))
        await migrate(db)
        await sums_match_rows(db)
    finally:
        await db.close()


async def test_members_table_follows_retention_and_deletion(any_database: str) -> None:
    db = await connect(any_database)
    try:
        await migrate(db)
        repo = ParticipationRepo(db)
        group = GroupRef("console", "g")
        old, new = "2026-01-05", "2026-11-20"
        await repo.write_batch(
            [
                (DailyKey(old, "console", "g", "c", "gone", "b", 0), (1, 0, 0, 0, 0, 0)),
                (DailyKey(old, "console", "g", "c", "stays", "b", 0), (1, 0, 0, 0, 0, 0)),
                (DailyKey(new, "console", "g", "c", "stays", "b", 0), (1, 0, 0, 0, 0, 0)),
                (DailyKey(new, "console", "g", "c", "leaves", "b", 0), (1, 0, 0, 0, 0, 0)),
            ],
            {},
        )
        await sums_match_rows(db)
        assert await repo.delete_before("2026-06-01") == 2
        assert await repo.active_members(group) == {"stays", "leaves"}
        await sums_match_rows(db)
        await repo.delete_member(MemberRef("console", "leaves"))
        assert await repo.active_members(group) == {"stays"}
        assert await repo.member_count(group) == 1
        await sums_match_rows(db)
    finally:
        await db.close()
