"""A full disk: the member is told the bot could not save and to try later, the log names
the cause once (not SQLite's "cannot rollback"), and once there is room the bot carries on.
SQLite stands in for the disk: `PRAGMA max_page_count` makes the database full."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.harness import console_bot


async def test_a_full_database_gets_a_clear_message_and_the_bot_carries_on(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    database = str(tmp_path / "full.sqlite3")  # SQLite whatever the test run's backend
    async with console_bot(tmp_path, clock, database=database) as bot:
        db = bot.app.db
        pages = await db.fetchval("PRAGMA page_count")
        await db.execute(f"PRAGMA max_page_count = {int(pages)}")
        with caplog.at_level(logging.ERROR):
            shown = await bot.say("/quiz start 15 questions 10", user="mod", moderator=True)
        assert "Could not save that" in shown and "try again later" in shown
        assert "Traceback" not in shown
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1, errors
        assert "full" in errors[0]
        assert "cannot rollback" not in caplog.text
        assert "no quiz" in (await bot.say("/quiz status")).lower()  # nothing half-stored

        await db.execute("PRAGMA max_page_count = 1073741823")  # room again
        assert "Question 1" in await bot.say(
            "/quiz start 15 questions 10", user="mod", moderator=True
        )
        assert "question 1 of 10 is open" in await bot.say("/quiz status")
