"""A database written by the previous version (schema 5, place_key strings) keeps its
daily schedules and claimed days, now on typed places and attached to the configured book."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.core.clock import FakeClock
from bot.core.refs import Place
from bot.features.daily.feature import DailyFeature
from tests.harness import console_bot

LEGACY = Path(__file__).resolve().parent / "fixtures" / "legacy_v5"
RESUME = datetime(2026, 11, 19, 8, 26, tzinfo=UTC)  # the fixture's last event (EXPECTED.md)

CONSOLE = Place("console", "console", "general")
THREAD = Place("discord", "1100000000000000001", "1200000000000000003", "1300000000000000001")
MATRIX = Place("matrix", "!reading:example.org", "!reading:example.org")
BY_KEY = {
    "console:general": CONSOLE,
    "discord:1200000000000000003/1300000000000000001": THREAD,
    "matrix:!reading:example.org": MATRIX,
}


def expected(table: str) -> list[dict[str, Any]]:
    facts = json.loads((LEGACY / "expected.json").read_text())
    rows: list[dict[str, Any]] = facts[f"daily {table} (table daily_{table})"]
    return rows


async def test_the_legacy_schedules_are_kept_on_typed_places_and_the_default_book(
    tmp_path: Path,
) -> None:
    shutil.copy(LEGACY / "kruzhok.sqlite3", tmp_path / "kruzhok.sqlite3")
    async with console_bot(tmp_path, FakeClock(RESUME)) as bot:
        service = bot.app.feature("daily", DailyFeature).service
        repo = await service.repo()
        schedules = expected("schedules")
        assert len(schedules) == 3
        assert await bot.app.db.fetchval("SELECT COUNT(*) FROM daily_schedules") == 3
        for old in schedules:
            place = BY_KEY[old["place_key"]]
            row = await service.get(place)
            assert row is not None, old["place_key"]
            assert row.place == place
            assert row.book_id == "united-opposition"
            assert row.settings.local_time == old["local_time"]
            assert row.settings.timezone == old["timezone"]
            assert str(row.settings.chapter) == old["chapter"]
            assert row.settings.prompt == bool(old["prompt"])
            assert row.enabled == bool(old["enabled"])
            assert (row.next_due, row.next_date, row.last_date) == (
                old["next_due"],
                old["next_date"],
                old["last_date"],
            )
            assert row.seen == set(old["seen"]) and row.last_quote_id == old["last_quote_id"]
            assert (row.last_post_at, row.last_error) == (old["last_post_at"], old["last_error"])
            posts = [p for p in expected("posts") if p["place_key"] == old["place_key"]]
            kept = await repo.posts(place)
            assert [(p["local_date"], p["status"], p["quote_id"], p["at"]) for p in kept] == [
                (p["local_date"], p["status"], p["quote_id"], p["at"]) for p in posts
            ]
            assert {p["book_id"] for p in kept} <= {"united-opposition"}
        # What members see in the console's channel: the last post and the next one.
        shown = await bot.say("/daily status")
        assert "every day at 09:00 (Europe/Berlin)" in shown
        assert "Last post: Thu 19 Nov 2026, 08:00 UTC" in shown
        assert "Next post: Fri 20 Nov 2026, 09:00 CET (Europe/Berlin) = 08:00 UTC" in shown
        assert "Cycle: 3 of " in shown  # the cycle is the configured book's, kept
