"""The Matrix adapter and its sync lease (SQLite, FakeClock), against the real Synapse: a
bot whose lease another process took stops syncing at once and waits; when the lease is
free again it takes it back and resumes from the kept sync token, answering what came
meanwhile exactly once; a clean stop releases the lease."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from bot.storage.db import connect
from bot.storage.lease import open_lease
from tests.harness import START
from tests.matrix.fixtures import RunningBot, World
from tests.matrix.members import Member

TTL = timedelta(seconds=45)


async def holding(bot: RunningBot, clock: FakeClock) -> None:
    """Move the clock on a lease period at a time until the bot holds the lease again."""
    for _ in range(20):
        await clock.advance(15)
        for _ in range(50):  # its attempt reads the database in a thread
            if bot.adapter.holding:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the bot never took its sync lease back")


def bodies(member: Member, room: str, sender: str) -> list[str]:
    return [
        str((e.get("content") or {}).get("body", ""))
        for r, e in member.seen
        if r == room and e.get("sender") == sender and e.get("type") == "m.room.message"
    ]


async def test_a_bot_that_lost_its_sync_lease_stops_syncing_and_resumes_once_it_is_back(
    world: World, tmp_path: Path
) -> None:
    bot_user = world.bot_account()
    alice = await world.member("alice")
    clock = FakeClock(START)
    other_db = await connect(tmp_path / "bot" / "kruzhok.sqlite3")  # another process's
    other = open_lease(other_db, f"matrix.sync:{bot_user}", "another process", TTL)
    try:
        async with world.bot(bot_user, clock=clock, data=tmp_path / "bot") as bot:
            room = await alice.create_room(invite=[bot_user])
            await alice.joined(room, bot_user)
            await alice.say(room, "!glossary kulak")
            await alice.notice(room, "Russian for 'fist'", sender=bot_user)

            # The other process takes the lease (this bot stalled past its deadline).
            assert await other.take(START + TTL + timedelta(seconds=1))
            await clock.advance(15)  # the bot's renewal finds the lease taken
            await asyncio.wait_for(bot.adapter.standby.wait(), 30)
            assert not bot.adapter.holding and not bot.adapter.ready.is_set()

            await alice.say(room, "!glossary soviet")  # nobody syncs the account now
            await other.release()
            await holding(bot, clock)
            await alice.notice(room, "Russian for 'council'", sender=bot_user)
            await alice.say(room, "!glossary kulak")
            await alice.notice(room, "Russian for 'fist'", sender=bot_user)
            said = bodies(alice, room, bot_user)
            assert sum("Russian for 'council'" in b for b in said) == 1, said
            assert sum("Russian for 'fist'" in b for b in said) == 2, said
        # The clean stop released the lease.
        assert await other_db.fetchval("SELECT COUNT(*) FROM leases") == 0
    finally:
        await other_db.close()
