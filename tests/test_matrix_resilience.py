"""The Matrix adapter in an encrypted room, and across a homeserver restart."""

from __future__ import annotations

import asyncio

from tests.matrix.commands import poll_commands
from tests.matrix.fixtures import World
from tests.matrix.synapse import Synapse


async def test_encrypted_room_commands_are_decrypted_and_answers_encrypted(
    world: World,
) -> None:
    """In an encrypted room the bot reads a member's encrypted command and answers with an
    encrypted notice that the member decrypts; a member without keys sees only ciphertext;
    a chart goes as an encrypted attachment; after a restart the bot keeps its keys."""
    bot_user = world.bot_account()
    alice = await world.member("alice", e2e=True)
    eve = await world.member("eve")  # no encryption: sees what travels on the wire
    async with world.bot(bot_user) as bot:
        room = await alice.create_room(invite=[bot_user, eve.user_id], version="10", encrypted=True)
        await eve.join(room)
        await alice.joined(room, bot_user)
        await alice.sync(0)  # learn the bot's device keys
        await alice.say(room, "!summary 15")
        notice = await alice.notice(room, "Chapter 15", sender=bot_user)
        assert notice["content"]["msgtype"] == "m.notice"
        wire = await eve.wait_for(
            lambda r, e: (
                r == room and e.get("sender") == bot_user and e.get("type") != "m.room.member"
            ),
            what="the bot's message as eve sees it",
        )
        assert wire["type"] == "m.room.encrypted"
        assert bot.adapter.client.rooms[room].encrypted

        bot.app.engine.table.extend(poll_commands({}).commands)
        await alice.say(room, "!chart")
        image = await alice.wait_for(
            lambda r, e: r == room and (e.get("content") or {}).get("msgtype") == "m.image",
            what="an encrypted m.image",
        )
        assert image["content"]["file"]["url"].startswith("mxc://")
        assert "url" not in image["content"]

    # Restarted, the bot is the same device with the same keys: it still reads the room,
    # and (its rooms learnt without full state) still knows the room is encrypted.
    async with world.bot(bot_user) as again:
        assert again.adapter.client.rooms[room].encrypted
        await alice.say(room, "!about")
        await alice.notice(room, "Kruzhok is a bot", sender=bot_user)
        rewire = await eve.wait_for(
            lambda r, e: (
                r == room and e.get("sender") == bot_user and e.get("type") != "m.room.member"
            ),
            what="the bot's answer after the restart as eve sees it",
        )
        assert rewire["type"] == "m.room.encrypted"
        assert any(p.name.endswith(".db") for p in bot.adapter.store_dir.iterdir())


async def test_bot_reconnects_after_the_homeserver_restarts(world: World, synapse: Synapse) -> None:
    """The homeserver stops and starts again while the bot runs: the bot reconnects by
    itself and answers the next command exactly once."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    async with world.bot(bot_user) as bot:
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user)
        await alice.say(room, "!chapters")
        await alice.notice(room, "15.", sender=bot_user)

        await asyncio.to_thread(synapse.restart)

        await alice.say(room, "!about")
        await alice.notice(room, "Kruzhok is a bot", sender=bot_user, timeout=60)
        await alice.say(room, "!discuss 15")
        await alice.notice(room, "", sender=bot_user)
        assert not bot.task.done()
    answers = [
        e["content"]["body"]
        for r, e in alice.seen
        if r == room and e.get("sender") == bot_user and e.get("type") == "m.room.message"
    ]
    assert sum("Kruzhok is a bot" in a for a in answers) == 1
    assert len(answers) == 3
