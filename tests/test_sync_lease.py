"""The named lease behind the Matrix sync lease, on an SQLite file and on a real PostgreSQL:
one holder at a time, takeover after the holder's death (PostgreSQL: its connection ends)
or expiry (SQLite: its deadline passes unrenewed), release on a clean stop. Two Database
objects on one database stand for two processes. Time comes from a FakeClock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapter_state.lease import ClockedLease
from bot.core.clock import FakeClock, settle
from bot.storage.db import Database, connect
from bot.storage.lease import AdvisoryLease, NamedLease, RowLease, open_lease
from tests.harness import START

TTL = timedelta(seconds=45)
EVERY = timedelta(seconds=15)
NAME = "matrix.sync:@kruzhok:kruzhok.test"


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "kruzhok.sqlite3")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def two(target: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two processes' databases: the same database opened twice."""
    first = await connect(target)
    second = await connect(target)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def release_all(*leases: NamedLease) -> None:
    for lease in leases:
        await lease.release()  # before close: PostgreSQL's pool waits for a held connection


async def test_one_holder_at_a_time(two: tuple[Database, Database]) -> None:
    a = open_lease(two[0], NAME, "a", TTL)
    b = open_lease(two[1], NAME, "b", TTL)
    other = open_lease(two[1], "another name", "b", TTL)
    try:
        assert await a.take(START)
        assert not await b.take(START + timedelta(seconds=1))
        assert await a.take(START + timedelta(seconds=2))  # taking it again keeps it
        assert await a.held() and not await b.held()
        assert await a.renew(START + timedelta(seconds=3))
        assert not await b.renew(START + timedelta(seconds=3))  # b never held it
        assert await other.take(START)  # another name is another lease
    finally:
        await release_all(a, b, other)


async def test_a_clean_release_frees_the_lease_at_once(two: tuple[Database, Database]) -> None:
    a = open_lease(two[0], NAME, "a", TTL)
    b = open_lease(two[1], NAME, "b", TTL)
    try:
        assert await a.take(START)
        await a.release()
        assert not await a.held()
        assert await b.take(START)  # no time has passed
        await a.release()  # releasing a lease no longer held changes nothing
        assert await b.held()
    finally:
        await release_all(a, b)


async def test_sqlite_takes_over_once_the_holders_deadline_passes_unrenewed(
    tmp_path: Path,
) -> None:
    first = await connect(tmp_path / "k.sqlite3")
    second = await connect(tmp_path / "k.sqlite3")
    try:
        a = open_lease(first, NAME, "a", TTL)
        b = open_lease(second, NAME, "b", TTL)
        assert isinstance(a, RowLease)
        assert await a.take(START)
        assert await a.renew(START + timedelta(seconds=15))  # deadline now START + 60 s
        assert not await b.take(START + timedelta(seconds=59))
        assert await b.take(START + timedelta(seconds=60))
        assert not await a.held()
        assert not await a.renew(START + timedelta(seconds=61))  # lost: a must stop
        assert not await a.take(START + timedelta(seconds=61))
    finally:
        await first.close()
        await second.close()


async def test_postgresql_takes_over_as_soon_as_the_holders_connection_dies(
    postgres_url: str,
) -> None:
    """kill -9 of the holder ends its session; the advisory lock goes with it."""
    first = await connect(postgres_url)
    second = await connect(postgres_url)
    a = open_lease(first, NAME, "a", TTL)
    b = open_lease(second, NAME, "b", TTL)
    try:
        assert isinstance(a, AdvisoryLease)
        assert await a.take(START)
        assert not await b.take(START)
        pid = a._conn.get_server_pid()  # the holder's server process, killed as by the OS
        assert await second.fetchval("SELECT pg_terminate_backend(?)", (pid,))
        # The server frees the lock when that backend has exited: a few milliseconds.
        for _ in range(500):
            if await b.take(START):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the dead holder's lock was never freed")
        assert not await a.renew(START)  # the holder finds its session gone
        assert not await a.held()
    finally:
        await release_all(a, b)
        await first.close()
        await second.close()


def clocked(lease: NamedLease, clock: FakeClock) -> ClockedLease:
    return ClockedLease(lease, clock, EVERY, TTL)


async def asleep(clock: FakeClock, count: int) -> None:
    """Wait until `count` tasks sleep on the clock again (their database calls run in
    threads, which settle() does not wait for). Bounded: only a hang takes 10 s."""
    for _ in range(1000):
        await settle()
        if clock.sleepers >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{clock.sleepers} task(s) asleep on the clock, not {count}")


async def test_a_waiting_process_takes_the_lease_when_the_holder_releases_it(
    two: tuple[Database, Database],
) -> None:
    clock = FakeClock(START)
    a = clocked(open_lease(two[0], NAME, "a", TTL), clock)
    b = clocked(open_lease(two[1], NAME, "b", TTL), clock)
    try:
        await a.acquire()
        assert not await b.try_acquire()
        waiting = asyncio.create_task(b.acquire())
        await asleep(clock, 1)
        await clock.advance(EVERY)
        await asleep(clock, 1)  # tried again, still waiting
        await a.release()
        await clock.advance(EVERY)  # the next attempt takes it
        await asyncio.wait_for(waiting, 10)
        assert await b.held() and not await a.held()
    finally:
        waiting.cancel()
        await release_all(a.lease, b.lease)


async def test_sqlite_a_holder_that_lost_its_lease_knows_at_its_next_renewal(
    tmp_path: Path,
) -> None:
    """The holder stalls past its deadline (no renewal ran), another process takes the
    lease: the holder's keep() returns (the adapter then stops syncing) and held() says so."""
    first = await connect(tmp_path / "k.sqlite3")
    second = await connect(tmp_path / "k.sqlite3")
    clock = FakeClock(START)
    a = clocked(open_lease(first, NAME, "a", TTL), clock)
    b = clocked(open_lease(second, NAME, "b", TTL), clock)
    try:
        await a.acquire()
        keeping = asyncio.create_task(a.keep())
        await asleep(clock, 1)
        await clock.advance(EVERY)  # renewed: deadline START + 60 s
        await asleep(clock, 1)
        assert await a.held()
        waiting = asyncio.create_task(b.acquire())
        await asleep(clock, 2)
        await clock.advance(EVERY)  # renewed again: deadline START + 75 s
        await asleep(clock, 2)
        # The holder stalls past its deadline (its clock not yet there); the other process
        # takes the lease.
        assert await b.lease.take(START + timedelta(seconds=75))
        assert not await a.held()
        await clock.advance(EVERY)  # the holder's next renewal fails
        await asyncio.wait_for(keeping, 10)  # keep() returned: the lease is lost
        await asyncio.wait_for(waiting, 10)
        assert await b.held()
    finally:
        await release_all(a.lease, b.lease)
        await first.close()
        await second.close()


async def test_a_holder_keeps_its_lease_while_it_renews(two: tuple[Database, Database]) -> None:
    clock = FakeClock(START)
    a = clocked(open_lease(two[0], NAME, "a", TTL), clock)
    b = clocked(open_lease(two[1], NAME, "b", TTL), clock)
    try:
        await a.acquire()
        keeping = asyncio.create_task(a.keep())
        waiting = asyncio.create_task(b.acquire())
        await asleep(clock, 2)
        for _ in range(10):  # 150 s: far past one deadline, renewed all along
            await clock.advance(EVERY)
            await asleep(clock, 2)  # both asleep again: neither returned
        assert await a.held() and not await b.held()
        keeping.cancel()
        await a.release()  # a clean stop
        await clock.advance(EVERY)
        await asyncio.wait_for(waiting, 10)
        assert await b.held()
    finally:
        await release_all(a.lease, b.lease)
