"""The Matrix adapter as a room member among others, against a real Synapse: quiet about
other bots' commands, replies linked to what they answer, exports in an encrypted direct
room, an empty room left, an upgraded room followed."""

from __future__ import annotations

import time
from typing import Any

from nio import JoinedRoomsResponse

from bot.core.refs import Place
from bot.core.replies import Reply
from tests.matrix.commands import poll_commands
from tests.matrix.fixtures import RunningBot, World


async def test_an_unknown_command_is_answered_only_when_the_bot_is_mentioned_or_in_a_dm(
    world: World,
) -> None:
    """In a room of three, `!weather` (another bot's command) and `/roll` get no answer and
    count as messages; the bot's own `!about` is answered. Mentioning the bot
    (`m.mentions`) gets the "Unknown command" answer, and so does `!weather` in a direct
    chat with the bot."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    bob = await world.member("bob")
    async with world.bot(bot_user) as bot:
        room = await alice.create_room(invite=[bot_user, bob.user_id], version="10")
        await bob.join(room)
        await alice.joined(room, bot_user)
        await alice.say(room, "!weather Moscow")
        await alice.say(room, "/roll 2d6")
        await alice.say(room, "!about")
        await alice.notice(room, "Kruzhok is a bot", sender=bot_user)
        answers = [e["content"]["body"] for e in alice.messages_from(room, bot_user)]
        assert len(answers) == 1, answers  # nothing about !weather or /roll before it

        await alice.send(
            room,
            "m.room.message",
            {
                "msgtype": "m.text",
                "body": "!weather kruzhok?",
                "m.mentions": {"user_ids": [bot_user]},
            },
        )
        unknown = await alice.notice(room, "Unknown command '!weather'", sender=bot_user)
        assert "help" in unknown["content"]["body"]

        direct = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(direct, bot_user)
        await alice.say(direct, "!weather")
        await alice.notice(direct, "Unknown command '!weather'", sender=bot_user)

        with_always = bot.adapter.config.model_copy(update={"reply_to_unknown": "never"})
        bot.adapter.events.config = with_always
        await alice.say(direct, "!weather")
        await alice.say(direct, "!about")
        await alice.notice(direct, "Kruzhok is a bot", sender=bot_user)
        bodies = [e["content"]["body"] for e in alice.messages_from(direct, bot_user)]
        assert sum("Unknown command" in b for b in bodies) == 1  # "never": not the second


async def test_every_reply_is_a_rich_reply_to_its_command_and_in_threads_a_real_one(
    world: World,
) -> None:
    """A reply carries `m.relates_to.m.in_reply_to` with the command's event id, every
    piece of it (notice and image); in a thread it keeps `rel_type: m.thread` with
    `is_falling_back: false`, as a reply to a specific event in a thread must."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    async with world.bot(bot_user) as bot:
        bot.app.engine.table.extend(poll_commands({}).commands)
        room = await alice.create_room(invite=[bot_user], version="10")
        await alice.joined(room, bot_user)
        command = await alice.say(room, "!chart")
        notice = await alice.notice(room, "Here it is", sender=bot_user)
        assert notice["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": command}}
        image = await alice.wait_for(
            lambda r, e: r == room and (e.get("content") or {}).get("msgtype") == "m.image",
            what="the chart",
        )
        assert image["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == command

        root = await alice.say(room, "chapter 15, then")
        asked = await alice.say(room, "!summary 15", thread=root)
        answer = await alice.notice(room, "Chapter 15", sender=bot_user)
        assert answer["content"]["m.relates_to"] == {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": False,
            "m.in_reply_to": {"event_id": asked},
        }


async def _bot_direct_rooms(bot: RunningBot) -> dict[str, Any]:
    client = bot.adapter.client
    resp = await client.send(
        "GET",
        f"/_matrix/client/v3/user/{client.user_id}/account_data/m.direct",
        headers={"Authorization": f"Bearer {client.access_token}"},
    )
    assert resp.status == 200
    found: dict[str, Any] = await resp.json()
    return found


async def test_an_export_goes_to_an_encrypted_direct_room_kept_in_m_direct(world: World) -> None:
    """With encryption on, a private file opens a direct room that is encrypted from its
    creation and flagged direct (the invite's `is_direct`, the bot's `m.direct`); the
    member, invited, joins and decrypts the file; a second export reuses the room."""
    bot_user = world.bot_account()
    alice = await world.member("alice", e2e=True)
    bob = await world.member("bob")
    async with world.bot(bot_user) as bot:
        bot.app.engine.table.extend(poll_commands({}).commands)
        room = await alice.create_room(invite=[bot_user, bob.user_id], version="10")
        await bob.join(room)
        await alice.joined(room, bot_user)
        await alice.say(room, "!secret")
        await alice.notice(room, "sent it to you in a direct message", sender=bot_user)
        direct = await alice.first_invite()
        await alice.join(direct)
        encryption = await alice.client.room_get_state_event(direct, "m.room.encryption", "")
        assert encryption.content["algorithm"] == "m.megolm.v1.aes-sha2"
        me = await alice.client.room_get_state_event(direct, "m.room.member", alice.user_id)
        assert me.content.get("membership") == "join"
        file = await alice.wait_for(
            lambda r, e: r == direct and (e.get("content") or {}).get("msgtype") == "m.file",
            what="the export, decrypted",
        )
        assert "url" not in file["content"]  # only the encrypted attachment's `file`
        assert await alice.file_bytes(file["content"]) == b"day,count\n"
        assert (await _bot_direct_rooms(bot)) == {alice.user_id: [direct]}

        await alice.say(room, "!secret")
        await alice.wait_for(
            lambda r, e: (
                r == direct
                and (e.get("content") or {}).get("msgtype") == "m.file"
                and e.get("sender") == bot_user
            ),
            what="the second export in the same direct room",
        )
        assert len(alice.invites) == 1


async def _bot_rooms(bot: RunningBot) -> list[str]:
    resp = await bot.adapter.client.joined_rooms()
    assert isinstance(resp, JoinedRoomsResponse), resp
    return list(resp.rooms)


async def test_the_bot_leaves_a_room_where_it_is_the_only_member(world: World) -> None:
    """Alice and the bot share a room; when alice leaves, the bot leaves too. A room
    where someone else is still there is kept."""
    bot_user = world.bot_account()
    alice = await world.member("alice")
    bob = await world.member("bob")
    async with world.bot(bot_user) as bot:
        lonely = await alice.create_room(invite=[bot_user], version="10")
        shared = await alice.create_room(invite=[bot_user, bob.user_id], version="10")
        await bob.join(shared)
        await alice.joined(lonely, bot_user)
        await alice.joined(shared, bot_user)
        await alice.client.room_leave(lonely)
        await alice.client.room_leave(shared)
        deadline = time.monotonic() + 30
        while lonely in await _bot_rooms(bot) and time.monotonic() < deadline:
            await bob.sync(500)  # a bounded wait for the bot's next sync
        rooms = await _bot_rooms(bot)
        assert lonely not in rooms
        assert shared in rooms  # bob is still there
        await bob.say(shared, "!about")
        await bob.notice(shared, "Kruzhok is a bot", sender=bot_user)


async def test_an_upgraded_room_is_followed_and_the_group_keeps_its_data(world: World) -> None:
    """A moderator upgrades a public room (`/rooms/{id}/upgrade`): the bot joins the
    replacement room named by the tombstone, leaves the old one and answers there; the
    group's participation from before the upgrade still counts, and a post for the group
    (the outbox's place is the old room's key) goes to the new room."""
    bot_user = world.bot_account()
    mod = await world.member("mod")
    alice = await world.member("alice")
    async with world.bot(bot_user) as bot:
        old = await mod.create_room(invite=[bot_user, alice.user_id], version="10")
        await mod.client.room_put_state(old, "m.room.join_rules", {"join_rule": "public"})
        await alice.join(old)
        await mod.joined(old, bot_user)
        await alice.say(old, "before the upgrade")
        await alice.say(old, "!about")
        await alice.notice(old, "Kruzhok is a bot", sender=bot_user)

        resp = await mod.client.room_upgrade(old, "11")
        new = str(resp.room_id)
        await mod.sync(0)
        await mod.joined(new, bot_user)
        await alice.join(new)
        await alice.say(new, "after the upgrade")
        await alice.say(new, "!stats")
        stats = await alice.notice(new, "Participation of", sender=bot_user)
        assert "This week: 2 messages" in stats["content"]["body"]
        left = await mod.membership(old, bot_user, "leave")
        assert left["sender"] == bot_user

        await bot.adapter.post(Place("matrix", old, old), [Reply(text="a daily quote")])
        await alice.notice(new, "a daily quote", sender=bot_user)

    # Restarted, the bot still keys the new room's events by the old room's id.
    async with world.bot(bot_user):
        await alice.say(new, "after the restart")
        await alice.say(new, "!stats")
        again = await alice.notice(new, "Participation of", sender=bot_user)
        assert "This week: 3 messages" in again["content"]["body"]


async def test_an_invite_only_room_upgraded_is_followed_on_the_invite_to_its_successor(
    world: World,
) -> None:
    """An invite-only room's replacement cannot be joined uninvited: the bot, which takes
    invites only from the moderator, accepts a member's invite to the room that replaced
    its room (as Element sends when it upgrades a private room), and answers there."""
    bot_user = world.bot_account()
    mod = await world.member("mod")
    alice = await world.member("alice")
    strict = {"allowed_inviter_servers": [], "allowed_inviters": [mod.user_id]}
    async with world.bot(bot_user, **strict):
        old = await mod.create_room(invite=[bot_user, alice.user_id], version="10")
        await alice.join(old)
        await mod.joined(old, bot_user)
        resp = await mod.client.room_upgrade(old, "11")
        new = str(resp.room_id)
        await mod.client.room_invite(new, alice.user_id)
        await alice.sync(0)
        await alice.join(new)
        await alice.client.room_invite(new, bot_user)
        await alice.joined(new, bot_user)
        await alice.say(new, "!about")
        await alice.notice(new, "Kruzhok is a bot", sender=bot_user)

        other = await alice.create_room(invite=[bot_user], version="10")
        refused = await alice.membership(other, bot_user, "leave")
        assert refused["sender"] == bot_user
