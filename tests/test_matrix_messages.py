"""What the Matrix adapter sends and reads, against a real Synapse: replies past the
event size limit arrive whole, error messages quote input once, voice/video/stickers and
poll answers count as taking part, the sync asks for lazy members and full state only
once, and a reply the homeserver makes wait does not hold the sync."""

from __future__ import annotations

import asyncio
import json
import time

from bot.adapters.matrix.render import notice_content
from bot.core.activity import ActivityKind
from bot.core.replies import Reply
from tests.matrix.admin import Admin
from tests.matrix.commands import big_line, poll_commands
from tests.matrix.fixtures import World
from tests.matrix.synapse import Synapse
from tests.quiz_helpers import Recorder

LIMIT = 65_536


async def wait_until(check: object, what: str, timeout: float = 20.0) -> None:
    """Poll a condition the bot's own tasks make true (bounded, never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"waited {timeout}s for {what}"
        await asyncio.sleep(0.05)


async def test_a_reply_past_the_event_size_limit_arrives_whole_in_pieces_or_as_a_file(
    world: World,
) -> None:
    """A reply whose one event would pass 65,536 bytes comes as several notices that
    Synapse accepts, each a reply to the command, together the whole text, HTML escaped
    once; one that would need more than a few notices comes as a text file."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    async with world.bot(bot_user) as bot:
        bot.app.engine.table.extend(poll_commands({}).commands)
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user)
        text = "\n".join(big_line(i) for i in range(600))
        whole = notice_content(Reply(text=text))
        assert whole is not None
        assert len(json.dumps(whole, ensure_ascii=False).encode()) > LIMIT  # one would fail

        command = await alice.say(room, "!big 600")
        await alice.notice(room, big_line(599), sender=bot_user)
        pieces = [e["content"] for e in alice.messages_from(room, bot_user)]
        assert len(pieces) >= 2
        assert "\n".join(p["body"] for p in pieces) == text
        for piece in pieces:
            assert piece["m.relates_to"] == {"m.in_reply_to": {"event_id": command}}
            assert len(json.dumps(piece, ensure_ascii=False).encode()) < LIMIT
            html = piece["formatted_body"]
            assert "&lt;b&gt;kruzhok&lt;/b&gt; &amp; кружок" in html and "&amp;lt;" not in html

        await alice.say(room, "!big 6000")
        await alice.notice(room, "too long for a message", sender=bot_user)
        file = await alice.wait_for(
            lambda r, e: r == room and (e.get("content") or {}).get("msgtype") == "m.file",
            what="the long answer as a file",
        )
        assert file["content"]["body"] == "answer.txt"
        data = await alice.file_bytes(file["content"])
        assert data.decode() == "\n".join(big_line(i) for i in range(6000))


async def test_an_error_quotes_the_members_input_once_escaped_once(world: World) -> None:
    """An unknown command with HTML in it, in a direct chat: the answer names it once in
    the body as typed, and once in the HTML escaped a single time."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    async with world.bot(bot_user):
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user)
        await alice.say(room, "!<b>x&amp;y</b> now")
        error = await alice.notice(room, "Unknown command", sender=bot_user)
        body, html = error["content"]["body"], error["content"]["formatted_body"]
        assert body.count("<b>x&amp;y</b>") == 1
        assert html.count("&lt;b&gt;x&amp;amp;y&lt;/b&gt;") == 1
        assert "<b>" not in html and "&amp;lt;" not in html


async def test_voice_video_stickers_and_poll_answers_count_as_taking_part(world: World) -> None:
    """A voice message (m.audio with the MSC3245 voice flag), a video, a sticker and
    poll answers (stable m.poll.response and MSC3381's) are each recorded as a message
    of their sender; the poll's start is not."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    bob = await world.member("bob")
    recorder = Recorder()
    async with world.bot(bot_user) as bot:
        bot.app.engine.sinks.append(recorder)
        room = await alice.create_room(invite=[bot_user, bob.user_id], version="10")
        await bob.join(room)
        await alice.joined(room, bot_user)
        media = {"url": "mxc://kruzhok.test/none", "info": {"mimetype": "audio/ogg"}}
        await alice.send(
            room,
            "m.room.message",
            {"msgtype": "m.audio", "body": "voice", "org.matrix.msc3245.voice": {}, **media},
        )
        await alice.send(room, "m.room.message", {"msgtype": "m.video", "body": "v", **media})
        await alice.send(room, "m.sticker", {"body": "a cat", **media})
        poll = await alice.send(
            room,
            "org.matrix.msc3381.poll.start",
            {
                "org.matrix.msc3381.poll.start": {
                    "question": {"org.matrix.msc1767.text": "Which chapter?"},
                    "kind": "org.matrix.msc3381.poll.disclosed",
                    "max_selections": 1,
                    "answers": [{"id": "a", "org.matrix.msc1767.text": "15"}],
                }
            },
        )
        relation = {"m.relates_to": {"rel_type": "m.reference", "event_id": poll}}
        await bob.send(
            room,
            "org.matrix.msc3381.poll.response",
            {"org.matrix.msc3381.poll.response": {"answers": ["a"]}, **relation},
        )
        await bob.send(room, "m.poll.response", {"m.selections": ["a"], **relation})
        await wait_until(lambda: len(recorder.seen) >= 5, "five activities")
        await alice.say(room, "!about")  # a marker: everything before it was handled
        await alice.notice(room, "Kruzhok is a bot", sender=bot_user)
        recorded = [(a.kind, a.user_id) for a in recorder.seen]
        assert recorded == [
            (ActivityKind.MESSAGE, alice.user_id),
            (ActivityKind.MESSAGE, alice.user_id),
            (ActivityKind.MESSAGE, alice.user_id),
            (ActivityKind.MESSAGE, bob.user_id),
            (ActivityKind.MESSAGE, bob.user_id),
            (ActivityKind.COMMAND, alice.user_id),
        ]


def _bot_syncs(hs: Synapse, bot_user: str) -> list[str]:
    log = (hs.base / "homeserver.log").read_text(errors="replace")
    return [
        line
        for line in log.splitlines()
        if "{" + bot_user + "}" in line and "GET /_matrix/client/v3/sync" in line
    ]


async def test_members_are_lazy_loaded_and_full_state_is_asked_only_at_the_first_start(
    world: World, synapse: Synapse
) -> None:
    """Every sync of the bot asks for lazy-loaded members; only the very first one asks
    for the full state: a restart goes on from the kept token and still answers, with
    the member's display name, in a room it learnt from /joined_rooms."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    bob = await world.member("bob")
    await alice.client.set_displayname("Alice Liddell")
    async with world.bot(bot_user):
        room = await alice.create_room(invite=[bot_user], version="10")
        shared = await alice.create_room(invite=[bot_user, bob.user_id], version="10")
        await bob.join(shared)
        await alice.joined(room, bot_user)
        await alice.joined(shared, bot_user)
    async with world.bot(bot_user) as bot:
        assert room in bot.adapter.client.rooms
        await alice.say(room, "!nonsense-for-the-name")
        error = await alice.notice(room, "Unknown command", sender=bot_user)
        assert error["content"]["body"].startswith("Alice Liddell:")
        # Members unknown since the restart: a room of three is still not a direct chat.
        await bob.say(shared, "!weather")
        await bob.say(shared, "!about")
        await bob.notice(shared, "Kruzhok is a bot", sender=bot_user)
        assert len(bob.messages_from(shared, bot_user)) == 1
    syncs = _bot_syncs(synapse, bot_user)
    assert len(syncs) >= 2
    assert all("lazy_load_members%22:true" in s for s in syncs), syncs[0]
    assert sum("full_state=true" in s for s in syncs) == 1


def _override_rate(hs: Synapse, target: str, per_second: int, burst: int) -> None:
    Admin.register(hs, f"ratelimiter{time.monotonic_ns()}").override_rate(target, per_second, burst)


async def test_a_reply_kept_waiting_does_not_hold_the_sync_and_429s_are_waited_out(
    world: World, synapse: Synapse
) -> None:
    """While a reply cannot go out, the sync goes on (a message after the command is
    recorded before the reply is sent); with Synapse limiting the bot to one message a
    second, four quick commands still get their four answers, in order."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    recorder = Recorder()
    async with world.bot(bot_user) as bot:
        bot.app.engine.sinks.append(recorder)
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user)

        gate = asyncio.Event()
        send = bot.adapter.sender.send

        async def held_send(*args: object) -> str:
            await gate.wait()
            return await send(*args)  # type: ignore[arg-type]

        bot.adapter.sender.send = held_send  # type: ignore[method-assign]
        await alice.say(room, "!about")
        await alice.say(room, "after the command")
        await wait_until(
            lambda: ActivityKind.MESSAGE in [a.kind for a in recorder.seen],
            "the message after the held reply",
        )
        await alice.sync(0)
        assert alice.messages_from(room, bot_user) == []  # the reply is still held
        gate.set()
        await alice.notice(room, "Kruzhok is a bot", sender=bot_user)

        await asyncio.to_thread(_override_rate, synapse, bot_user, 1, 1)
        for chapter in ("15", "15", "15", "15"):
            await alice.say(room, f"!summary {chapter}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            answers = [e for e in alice.messages_from(room, bot_user) if "Chapter 15" in str(e)]
            if len(answers) == 4:
                break
            await alice.sync(500)
        assert len(answers) == 4
    log = (synapse.base / "homeserver.log").read_text(errors="replace").splitlines()
    limited = [x for x in log if "{" + bot_user + "}" in x and "/send/" in x and " 429 " in x]
    assert limited, "Synapse never made the bot wait: the test proved nothing"
