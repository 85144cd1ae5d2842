"""A database written by the previous release (tests/fixtures/legacy_v5, schema 5) opens
with this code: its reading plans, check-ins, participation totals and opt-out are all
there, attached to the configured book (united-opposition), and the commands read them."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core.clock import FakeClock
from bot.core.refs import MemberRef
from bot.features.privacy.repo import digest
from tests.harness import console_bot
from tests.participation_support import db_rows

FIXTURE = Path(__file__).parent / "fixtures" / "legacy_v5"
EXPECTED: dict[str, Any] = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
BOOK = "united-opposition"
COUNTS = ("messages", "thread_replies", "reactions", "quiz_answers", "quiz_correct", "commands")


def expected(section: str) -> list[dict[str, Any]]:
    """The facts of expected.json under the key that starts with `section`."""
    rows: list[dict[str, Any]] = next(v for k, v in EXPECTED.items() if k.startswith(section))
    return rows


def assert_attached_and_kept(db_file: Path) -> None:
    for table in ("reading_plans", "reading_checkins", "activity_daily"):
        assert db_rows(db_file, f"SELECT DISTINCT book_id FROM {table}") == [(BOOK,)], table
    plans = db_rows(
        db_file,
        "SELECT id, platform, group_id, chapter, due, set_at FROM reading_plans ORDER BY id",
    )
    assert plans == [
        (p["id"], p["platform"], p["group_id"], p["chapter"], p["due"], p["set_at"])
        for p in expected("reading plans")
    ]
    checkins = db_rows(
        db_file,
        "SELECT platform, group_id, user_id, chapter, day, at FROM reading_checkins "
        "ORDER BY platform, group_id, user_id, chapter",
    )
    assert checkins == [
        (c["platform"], c["group_id"], c["user_id"], c["chapter"], c["day"], c["at"])
        for c in expected("check-ins")
    ]
    # Kept since 0011 by a one-way digest of the member (moved at start), never the id.
    assert db_rows(db_file, "SELECT digest, since FROM privacy_optouts") == [
        (digest(MemberRef(o["platform"], o["user_id"])), o["since"]) for o in expected("opted out")
    ]
    assert db_rows(db_file, "SELECT * FROM participation_optouts") == []


async def test_the_legacy_database_keeps_its_participation_data(tmp_path: Path) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    shutil.copy(FIXTURE / "kruzhok.sqlite3", db_file)
    clock = FakeClock(datetime.fromisoformat(EXPECTED["story_clock"]["last_event_utc"]))
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    async with console_bot(tmp_path, clock, timezone="UTC") as bot:
        # Started, nothing said yet: every fact of the old database, attached to the book.
        assert_attached_and_kept(db_file)
        for member in expected("participation totals"):
            stored = db_rows(
                db_file,
                f"SELECT {sums}, COUNT(DISTINCT day), MIN(day), MAX(day) "
                "FROM activity_daily WHERE platform = ? AND user_id = ?",
                (member["platform"], member["user_id"]),
            )
            assert stored == [
                (
                    *(member[c] for c in COUNTS),
                    member["active_days"],
                    member["first_day"],
                    member["last_day"],
                )
            ], member["user_id"]
        assert db_rows(db_file, "SELECT COUNT(*) FROM activity_daily") == [
            (EXPECTED["row counts"]["activity_daily"],)
        ]

        # The commands read it.
        shown = await bot.say("/plan show", user="bob")
        assert "The group reads chapter 15: The United Opposition, 1926-27" in shown
        assert "due 2026-12-01 (in 12 days)" in shown and "Checked in: 2 of 4 members" in shown
        assert "Earlier plans: chapter 15, no due date (set 2026-11-16)" in shown
        assert "You have checked in chapter 15: on pace." in await bot.say("/progress")
        shown = await bot.say("/stats alice", user="bob")
        # 7 commands kept, and her /progress just now
        assert (
            "Overall: 8 messages, 0 thread replies, 1 reaction, 3 quiz answers, 8 commands" in shown
        )
        assert "Chapters checked in: 1 of 1 (chapter 15)" in shown
        assert "already checked in chapter 15" in await bot.say("/read", user="alice")
        assert "You opted out" in await bot.say("/privacy show", user="frank")
        await bot.say("frank is still not recorded", user="frank")

    assert_attached_and_kept(db_file)
    assert db_rows(db_file, "SELECT * FROM activity_daily WHERE user_id = 'frank'") == []
