"""On a real Synapse: a review reminder reaches the member in a direct room with the bot,
not the reading room (a test clock moves the day on)."""

from __future__ import annotations

import time

from bot.core.clock import FakeClock
from tests.harness import START
from tests.matrix.fixtures import World
from tests.quiz_helpers import QUIZ_CONTENT


async def test_a_review_reminder_arrives_in_a_direct_room(world: World) -> None:
    clock = FakeClock(START)  # 12:00 UTC; the default daily time is 09:00
    bot_user = world.bot_account()
    alice = await world.member("alice", e2e=True)  # the direct room is encrypted
    async with world.bot(bot_user, clock=clock, app_config={"content": str(QUIZ_CONTENT)}):
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user)
        await alice.say(room, "!quiz practice 2")
        await alice.notice(room, "In which year", sender=bot_user)
        await alice.say(room, "!practice answer 1927")
        await alice.notice(room, "Not quite", sender=bot_user)
        await alice.say(room, "!review remind on")
        await alice.notice(room, "Review reminders are on", sender=bot_user)

        await clock.advance(START.replace(day=21, hour=9) - START)
        deadline = time.monotonic() + 20
        while not alice.invites and time.monotonic() < deadline:
            await alice.sync(500)
        assert alice.invites, "no direct room invite"
        direct = alice.invites[0]
        await alice.join(direct)
        note = await alice.notice(direct, "1 item to review today", sender=bot_user)
        assert "Review reminder" in note["content"]["body"]
        assert not any(
            "to review today" in str((e.get("content") or {}).get("body"))
            for r, e in alice.seen
            if r == room
        )
