"""The recorder's memory is bounded: while a batch is being written and the next one is
full, recording waits (the engine waits after each message); a batch whose write fails is written again
whole, its cause logged once, and nothing recorded is lost or counted twice."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.activity import Activity, ActivityKind
from bot.core.clock import FakeClock, settle
from bot.core.commands import CommandTable
from bot.core.engine import Engine
from bot.core.refs import Caller, Place
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import ParticipationRepo
from bot.storage.db import connect
from bot.storage.migrate import migrate
from tests.databases import database_for

PLACE = Place("console", "g", "c")
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


class GatedRepo(ParticipationRepo):
    """Writes wait at a gate the test opens, as a slow disk would make them."""

    gate = asyncio.Event()

    async def write_batch(self, counts: Any, names: Any) -> None:
        await self.gate.wait()
        await super().write_batch(counts, names)


class FailingRepo(ParticipationRepo):
    """The first `failures` writes fail, as a full disk would."""

    failures = 3

    async def write_batch(self, counts: Any, names: Any) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError(28, "No space left on device")
        await super().write_batch(counts, names)


def message(user: str) -> Activity:
    return Activity(ActivityKind.MESSAGE, PLACE, user, user.upper(), NOW)


async def test_recording_waits_while_a_batch_is_written_and_the_next_is_full(
    tmp_path: Path,
) -> None:
    db = await connect(database_for(tmp_path / "r.sqlite3"))
    try:
        await migrate(db)
        repo = GatedRepo(db)
        repo.gate = asyncio.Event()
        recorder = Recorder(repo, FakeClock(NOW), ZoneInfo("UTC"), flush_every=3)
        for user in ("a", "b", "c"):
            recorder.record(message(user))
        writing = asyncio.create_task(recorder.flush())
        await settle()
        recorder.record(message("d"))
        recorder.record(message("e"))
        await asyncio.wait_for(recorder.room(), 1)  # not full yet: no wait
        recorder.record(message("f"))
        waiting = asyncio.create_task(recorder.room())
        await settle()
        assert not waiting.done()  # the next batch is full while the first is written
        repo.gate.set()
        assert await writing == 3
        await asyncio.wait_for(waiting, 1)
        assert await recorder.flush() == 3
        total = await db.fetchval("SELECT SUM(messages) FROM activity_daily")
        assert int(total) == 6
    finally:
        await db.close()


async def test_a_failing_batch_is_written_again_whole_and_its_cause_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = await connect(database_for(tmp_path / "r.sqlite3"))
    try:
        await migrate(db)
        recorder = Recorder(FailingRepo(db), FakeClock(NOW), ZoneInfo("UTC"), flush_every=100)
        caplog.set_level(logging.INFO, logger="bot.features.participation.recorder")
        recorded = 0
        for attempt in range(3):
            for user in ("a", "b", f"new{attempt}"):
                recorder.record(message(user))
                recorded += 1
            with pytest.raises(OSError, match="No space left"):
                await recorder.flush()
            assert recorder.buffered == recorded  # nothing dropped
        recorder.record(message("a"))
        recorded += 1
        assert await recorder.flush() == 5  # a, b, new0, new1, new2: one row each
        rows = await db.fetch("SELECT user_id, messages FROM activity_daily ORDER BY user_id")
        assert [(r[0], int(r[1])) for r in rows] == [
            ("a", 4),
            ("b", 3),
            ("new0", 1),
            ("new1", 1),
            ("new2", 1),
        ]
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert "No space left on device" in errors[0]
        assert any("after 3 failed attempt(s)" in r.getMessage() for r in caplog.records)
        assert await recorder.flush() == 0  # written once: nothing is counted twice
        total = await db.fetchval("SELECT SUM(messages) FROM activity_daily")
        assert int(total) == 10
    finally:
        await db.close()


class FullSink:
    """A sink that is full until the test makes room (as the recorder is while it writes)."""

    def __init__(self) -> None:
        self.seen: list[Activity] = []
        self.free = asyncio.Event()

    def record(self, activity: Activity) -> None:
        self.seen.append(activity)

    async def room(self) -> None:
        await self.free.wait()


async def test_the_engine_waits_for_room_after_a_message() -> None:
    sink = FullSink()
    engine = Engine(CommandTable(()), FakeClock(NOW), sinks=[sink])
    caller = Caller("u1", "Uma")
    message = asyncio.create_task(engine.on_message(caller, PLACE, "hello"))
    await settle()
    assert len(sink.seen) == 1 and not message.done()  # counted, then waiting for room
    sink.free.set()
    assert await asyncio.wait_for(message, 1) is None
