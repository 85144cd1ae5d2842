"""The recorder: batches by count and by time, the shutdown flush, opt-outs honoured at
once (buffer included), channel filter, failed writes retried, and never any text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.activity import Activity, ActivityKind
from bot.core.clock import FakeClock, settle
from bot.core.refs import Caller, MemberRef, Place
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import ParticipationRepo
from bot.features.privacy.repo import digest
from bot.storage.db import connect
from tests.databases import stored_bytes
from tests.harness import console_bot
from tests.participation_support import db_rows, message_total, recorder_of

BIG = {"flush_every": 100_000, "flush_seconds": 3600}


async def test_a_full_batch_is_written_without_waiting_for_the_interval(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, participation={"flush_every": 5}) as bot:
        for i in range(4):
            await bot.say(f"message {i}")
        await settle()
        await recorder_of(bot).idle()
        assert message_total(db_file) == 0
        await bot.say("message 4")
        await settle()
        await recorder_of(bot).idle()
        assert message_total(db_file) == 5


async def test_the_buffer_is_written_once_flush_seconds_have_passed(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    overrides = {"flush_every": 1000, "flush_seconds": 10}
    async with console_bot(tmp_path, clock, participation=overrides) as bot:
        for i in range(3):
            await bot.say(f"message {i}")
        await clock.advance(9)
        await recorder_of(bot).idle()
        assert message_total(db_file) == 0
        await clock.advance(2)
        await recorder_of(bot).idle()
        assert message_total(db_file) == 3


async def test_a_clean_stop_writes_every_buffered_event(tmp_path: Path, clock: FakeClock) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, participation=BIG) as bot:
        for i in range(25):
            await bot.say(f"message {i}", user="alice" if i % 2 else "bob")
        assert message_total(db_file) == 0
    assert message_total(db_file) == 25
    names = db_rows(db_file, "SELECT user_id, display_name FROM participants ORDER BY user_id")
    assert names == [("alice", "alice"), ("bob", "bob")]


async def test_every_kind_of_activity_is_counted_per_member_channel_and_chapter(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, participation=BIG) as bot:
        await bot.say("/plan set 15", moderator=True, user="mod")
        engine = bot.app.engine
        alice = Caller("alice", "Alice A.")
        place = bot.adapter.place
        thread = Place(place.platform, place.group_id, place.channel_id, thread_id="t1")
        await engine.on_message(alice, place, "hello")
        await engine.on_message(alice, thread, "a reply")
        engine.on_reaction(alice, place)
        engine.record(ActivityKind.QUIZ_ANSWER, alice, place)
        engine.record(ActivityKind.QUIZ_CORRECT, alice, place)
        engine.record(ActivityKind.QUIZ_ANSWER, alice, place)
        await engine.on_message(alice, place, "/chapters")
    rows = db_rows(
        db_file,
        "SELECT day, channel_id, chapter, messages, thread_replies, reactions, quiz_answers, "
        "quiz_correct, commands FROM activity_daily WHERE user_id = 'alice'",
    )
    assert rows == [("2026-11-20", "general", 15, 1, 1, 1, 2, 1, 1)]
    assert db_rows(db_file, "SELECT display_name FROM participants WHERE user_id = 'alice'") == [
        ("Alice A.",)
    ]


async def test_only_the_configured_channels_are_counted(tmp_path: Path, clock: FakeClock) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(
        tmp_path, clock, participation={**BIG, "channels": ["console:reading"]}
    ) as bot:
        await bot.say("in general, not counted")
        other = Place("console", "console", "reading")
        await bot.app.engine.on_message(Caller("alice", "alice"), other, "counted")
    assert db_rows(db_file, "SELECT channel_id, messages FROM activity_daily") == [("reading", 1)]


async def test_optout_drops_buffered_events_and_everything_kept_at_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, participation={"flush_every": 3}) as bot:
        for i in range(3):
            await bot.say(f"flushed {i}", user="bob")
        await bot.say("/read 15", user="bob")
        await settle()
        await recorder_of(bot).idle()
        assert message_total(db_file) == 3
        await bot.say("buffered, not yet written", user="bob")
        await bot.say("alice stays", user="alice")
        assert recorder_of(bot).buffered >= 2
        shown = await bot.say("/privacy optout", user="bob")
        assert "no longer recorded" in shown
        await bot.say("after the opt-out", user="bob")
        await bot.say("/stats", user="bob")
        shown = await bot.say("/read 15", user="bob")
        assert "opted out" in shown
    for table in ("activity_daily", "reading_checkins", "participants"):
        assert db_rows(db_file, f"SELECT * FROM {table} WHERE user_id = 'bob'") == [], table
    # The opt-out is kept by a one-way digest of the member, never their id.
    assert db_rows(db_file, "SELECT digest FROM privacy_optouts") == [
        (digest(MemberRef("console", "bob")),)
    ]
    assert message_total(db_file) == 1  # alice's message


async def test_optout_survives_a_restart_and_optin_records_again(
    tmp_path: Path, clock: FakeClock
) -> None:
    db_file = tmp_path / "kruzhok.sqlite3"
    async with console_bot(tmp_path, clock, participation=BIG) as bot:
        await bot.say("/privacy optout", user="bob")
    async with console_bot(tmp_path, clock, participation=BIG) as bot:
        await bot.say("not kept", user="bob")
        assert "You opted out" in await bot.say("/privacy show", user="bob")
        assert "Welcome back" in await bot.say("/privacy optin", user="bob")
        await bot.say("kept", user="bob")
    assert message_total(db_file) == 1
    assert db_rows(db_file, "SELECT * FROM privacy_optouts") == []


class FailingOnceRepo(ParticipationRepo):
    """A repository whose first write fails, as a full disk would."""

    failures = 1

    async def write_batch(self, counts, names):  # type: ignore[no-untyped-def]
        if self.failures:
            self.failures -= 1
            raise OSError("disk full")
        await super().write_batch(counts, names)


async def test_a_failed_write_keeps_the_counts_for_the_next_one(tmp_path: Path) -> None:
    db = await connect(tmp_path / "r.sqlite3")
    try:
        clock = FakeClock(datetime(2026, 11, 20, 12, tzinfo=UTC))
        recorder = Recorder(FailingOnceRepo(db), clock, ZoneInfo("UTC"), flush_every=10)
        place = Place("console", "g", "c")
        for _ in range(4):
            recorder.record(Activity(ActivityKind.MESSAGE, place, "u", "U", clock.now()))
        with pytest.raises(OSError, match="disk full"):
            await recorder.flush()
        assert recorder.buffered == 4
        recorder.record(Activity(ActivityKind.MESSAGE, place, "u", "U", clock.now()))
        assert await recorder.flush() == 1
        assert [r[0] for r in await db.fetch("SELECT messages FROM activity_daily")] == [5]
    finally:
        await db.close()


async def test_no_message_text_reaches_the_database_files(tmp_path: Path, clock: FakeClock) -> None:
    """Messages carry a unique marker; no byte the database keeps on disk holds it (the
    .sqlite3, -wal and -shm files; on PostgreSQL the cluster's tables and its WAL)."""
    marker = "ZQX-marker-4f1c9e"
    db_file = tmp_path / "kruzhok.sqlite3"

    def contents() -> bytes:
        return stored_bytes(db_file)

    async with console_bot(tmp_path, clock, participation={"flush_every": 10}) as bot:
        for i in range(30):
            await bot.say(f"{marker} number {i} with some words", user="alice-the-reader")
        await bot.say(f"/quote 15 {marker}", user="alice-the-reader")
        await settle()
        await recorder_of(bot).idle()
        await recorder_of(bot).flush()
        assert message_total(db_file) == 30
        data = contents()
        assert b"alice-the-reader" in data  # the search reads the right files
        assert marker.encode() not in data
        assert marker.encode("utf-16-le") not in data
    data = contents()
    assert marker.encode() not in data
    assert marker.encode("utf-16-le") not in data


def test_config_refuses_a_channel_key_without_its_platform(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from tests.harness import make_config

    with pytest.raises(ValidationError, match="not a channel key"):
        make_config(tmp_path, participation={"channels": ["general"]})
    with pytest.raises(ValidationError, match="flush_every"):
        make_config(tmp_path, participation={"flush_every": 0})
