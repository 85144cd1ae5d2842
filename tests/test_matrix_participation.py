"""Participation from Matrix room events: messages, thread messages and reactions are
recorded (who, where, never what); history from before the bot joined is skipped."""

from __future__ import annotations

import asyncio
import time

from bot.core.activity import ActivityKind
from tests.matrix.fixtures import World
from tests.quiz_helpers import Recorder


async def test_messages_threads_and_reactions_are_recorded_and_history_is_skipped(
    world: World,
) -> None:
    bot_user = world.bot_account()
    alice = await world.member("alice")
    recorder = Recorder()
    async with world.bot(bot_user) as bot:
        bot.app.engine.sinks.append(recorder)
        room = await alice.create_room(invite=[], version="10")
        await alice.say(room, "!about")  # before the bot is there: history
        await alice.say(room, "said before the bot came")
        await alice.client.room_invite(room, bot_user)
        await alice.joined(room, bot_user)
        root = await alice.say(room, "a message")
        await alice.say(room, "a thread message", thread=root)
        await alice.react(room, root, "👍")
        await alice.say(room, "!chapters")
        await alice.notice(room, "15.", sender=bot_user)

        deadline = time.monotonic() + 20
        while len(recorder.seen) < 4 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        kinds = [(a.kind, a.user_id, a.place.channel_id) for a in recorder.seen]
        assert kinds == [
            (ActivityKind.MESSAGE, alice.user_id, room),
            (ActivityKind.THREAD_REPLY, alice.user_id, room),
            (ActivityKind.REACTION, alice.user_id, room),
            (ActivityKind.COMMAND, alice.user_id, room),
        ]
        assert recorder.seen[1].place.thread_id == root
        bodies = [
            e["content"].get("body", "")
            for r, e in alice.seen
            if r == room and e.get("sender") == bot_user and e.get("type") == "m.room.message"
        ]
        assert not any("Kruzhok is a bot" in b for b in bodies)  # the old !about


async def test_stats_chart_in_the_room_and_the_export_in_a_direct_room(world: World) -> None:
    """With the real participation feature: a member's messages, thread message and
    reaction show in `!stats` (a notice, then the chart as m.image); a moderator's CSV
    export (a private file) arrives in an encrypted direct room, not in the reading room;
    the chart's info carries its width and height."""
    bot_user = world.bot_account()
    mod = await world.member("mod", e2e=True)
    alice = await world.member("alice")
    async with world.bot(bot_user):
        room = await mod.create_room(invite=[bot_user, alice.user_id], version="10")
        await alice.join(room)
        await mod.joined(room, bot_user)
        root = await alice.say(room, "hello")
        await alice.say(room, "again")
        await alice.say(room, "in a thread", thread=root)
        await alice.react(room, root, "👍")
        await alice.say(room, "!stats")
        stats = await alice.notice(room, "Participation of", sender=bot_user)
        assert "This week: 2 messages, 1 thread reply, 1 reaction" in stats["content"]["body"]
        chart = await alice.wait_for(
            lambda r, e: r == room and (e.get("content") or {}).get("msgtype") == "m.image",
            what="the stats chart",
        )
        info = chart["content"]["info"]
        assert info["mimetype"] == "image/png" and info["w"] > 100 and info["h"] > 100
        png = await alice.file_bytes(chart["content"])
        assert info["size"] == len(png) and png.startswith(b"\x89PNG")

        await mod.say(room, "!export participation")
        await mod.notice(room, "direct message", sender=bot_user)
        deadline = time.monotonic() + 20
        while not mod.invites and time.monotonic() < deadline:
            await mod.sync(500)
        direct = mod.invites[0]
        await mod.join(direct)
        export = await mod.wait_for(
            lambda r, e: r == direct and (e.get("content") or {}).get("msgtype") == "m.file",
            what="the CSV export",
        )
        assert "url" not in export["content"]  # an encrypted attachment
        data = await mod.file_bytes(export["content"])
        assert alice.user_id in data.decode()
