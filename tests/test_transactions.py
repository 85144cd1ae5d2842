"""Every transaction has its connection to itself: another task's statement waits for it
(SQLite) or runs on a connection of its own (PostgreSQL), never inside it; two processes
writing at once wait for each other instead of failing with "database is locked"."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from bot.storage.db import connect
from tests.harness import ROOT


async def test_a_write_made_during_another_tasks_transaction_survives_its_rollback(
    any_database: str,
) -> None:
    db = await connect(any_database)
    began, finish = asyncio.Event(), asyncio.Event()

    async def failing_batch() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO settings (key, value) VALUES ('inside', '1')")
            began.set()
            await finish.wait()
            raise RuntimeError("the batch fails: all of it rolls back")

    async def long_transaction() -> None:
        with pytest.raises(RuntimeError):
            await failing_batch()

    try:
        first = asyncio.create_task(long_transaction())
        await began.wait()
        # Not yet committed: another task does not see it.
        assert await db.fetchval("SELECT value FROM settings WHERE key = 'inside'") is None
        other = asyncio.create_task(
            db.execute("INSERT INTO settings (key, value) VALUES ('outside', '2')")
        )
        for _ in range(50):  # let the other task get as far as it can meanwhile
            await asyncio.sleep(0)
        finish.set()
        await first
        assert await other == 1
        stored = await db.fetch(
            "SELECT key, value FROM settings WHERE key IN ('inside', 'outside')"
        )
        assert [tuple(r) for r in stored] == [("outside", "2")]
    finally:
        await db.close()


async def test_a_task_started_inside_a_transaction_has_a_connection_of_its_own(
    any_database: str,
) -> None:
    """A timer armed inside a transaction inherits its context, not its transaction: its
    write made while the transaction runs is not rolled back with it, and its write made
    after the transaction ended does not use the connection given back."""
    db = await connect(any_database)
    go_on = asyncio.Event()

    async def timer() -> None:
        await db.execute("INSERT INTO settings (key, value) VALUES ('during', '1')")
        await go_on.wait()
        async with db.transaction():
            await db.execute("INSERT INTO settings (key, value) VALUES ('after', '2')")

    async def arming_batch() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO settings (key, value) VALUES ('rolled', '0')")
            armed.append(asyncio.create_task(timer()))
            for _ in range(50):
                await asyncio.sleep(0)
            raise RuntimeError("rolled back")

    armed: list[asyncio.Task[None]] = []
    try:
        with pytest.raises(RuntimeError):
            await arming_batch()
        (task,) = armed
        go_on.set()
        await task
        keys = await db.fetch("SELECT key FROM settings WHERE key IN ('during', 'after', 'rolled')")
        assert sorted(r[0] for r in keys) == ["after", "during"]
    finally:
        await db.close()


async def test_two_processes_writing_at_once_wait_for_each_other(any_database: str) -> None:
    db = await connect(any_database)
    try:
        await db.execute("INSERT INTO settings (key, value) VALUES ('counter', '0')")
    finally:
        await db.close()
    count = 150
    writers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.storage_writer",
            any_database,
            str(count),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [await asyncio.wait_for(w.communicate(), 120) for w in writers]
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err.decode()
        assert out.decode().strip() == "done"
        assert b"locked" not in err
    db = await connect(any_database)
    try:
        assert await db.fetchval("SELECT value FROM settings WHERE key = 'counter'") == str(
            2 * count
        )
    finally:
        await db.close()
