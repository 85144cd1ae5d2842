"""The Matrix adapter against a real Synapse: commands, moderators, threads, invites."""

from __future__ import annotations

from tests.matrix.fixtures import World

# What a moderator's `!plan clear` gets in a room without a plan (a member gets "Only
# moderators can use !plan clear.").
MODERATES = "There is no reading plan to clear"


async def test_member_command_gets_an_escaped_notice_and_moderator_command_is_refused(
    world: World,
) -> None:
    """A member's !summary is answered with an m.notice (plain body + HTML); the room's
    creator (power 100, room v10) may !plan clear; a member (power 0) is refused; neither,
    being no operator of the bot, may !reload."""
    bot = world.bot_account()
    mod = await world.member("mod")
    alice = await world.member("alice")
    async with world.bot(bot):
        room = await mod.create_room(invite=[bot, alice.user_id], version="10")
        await alice.join(room)
        await mod.joined(room, bot)
        await alice.say(room, "!summary 15")
        notice = await alice.notice(room, "Chapter 15", sender=bot)
        content = notice["content"]
        assert content["format"] == "org.matrix.custom.html"
        assert "<strong>Chapter 15" in content["formatted_body"]
        assert content["m.mentions"] == {}

        await alice.say(room, "!plan clear")
        refused = await alice.notice(room, "Only moderators", sender=bot)
        assert "!plan clear" in refused["content"]["body"]

        await mod.say(room, "!plan clear")
        await mod.notice(room, "There is no reading plan to clear", sender=bot)
        await mod.say(room, "!reload")  # a room's moderator is no operator of the bot
        await mod.notice(room, "Only the bot's operators", sender=bot)


async def test_room_v12_creators_moderate_and_power_level_changes_are_followed(
    world: World,
) -> None:
    """In a room of version 12 the creator and an additional creator moderate though the
    power-level users map does not name them; a member promoted to 50 moderates from then
    on, and stops when the promotion is taken back."""
    bot = world.bot_account()
    owner = await world.member("owner")
    co = await world.member("co")
    bob = await world.member("bob")
    async with world.bot(bot):
        room = await owner.create_room(
            invite=[bot, co.user_id, bob.user_id],
            version="12",
            additional_creators=[co.user_id],
        )
        await co.join(room)
        await bob.join(room)
        await owner.joined(room, bot)
        state = await owner.client.room_get_state_event(room, "m.room.power_levels", "")
        users = state.content.get("users", {})
        assert owner.user_id not in users and co.user_id not in users

        await owner.say(room, "!plan clear")
        await owner.notice(room, MODERATES, sender=bot)
        await co.say(room, "!plan clear")
        await co.notice(room, MODERATES, sender=bot)
        await bob.say(room, "!plan clear")
        await bob.notice(room, "Only moderators", sender=bot)

        promoted = dict(state.content)
        promoted["users"] = {**users, bob.user_id: 50}
        await owner.client.room_put_state(room, "m.room.power_levels", promoted)
        await bob.say(room, "!plan clear")
        await bob.notice(room, MODERATES, sender=bot)

        await owner.client.room_put_state(room, "m.room.power_levels", dict(state.content))
        await bob.say(room, "!plan clear")
        await bob.notice(room, "Only moderators", sender=bot)


async def test_power_level_50_moderates_in_a_v10_room_and_threads_are_answered_in_thread(
    world: World,
) -> None:
    """Room v10: a member given power 50 moderates; the creator of a v10 room moderates only
    through its level. A command sent in a thread is answered in that thread; a refused
    request is a notice addressed to the member by name."""
    bot = world.bot_account()
    owner = await world.member("owner")
    carol = await world.member("carol")
    async with world.bot(bot):
        room = await owner.create_room(
            invite=[bot, carol.user_id],
            version="10",
            power_users={owner.user_id: 100, carol.user_id: 50},
        )
        await carol.join(room)
        await owner.joined(room, bot)
        await carol.say(room, "!plan clear")
        await carol.notice(room, MODERATES, sender=bot)

        root = await carol.say(room, "Let's talk about chapter 15")
        command = await carol.say(room, "!discuss 15", thread=root)
        answer = await carol.notice(room, "", sender=bot)
        relates = answer["content"]["m.relates_to"]
        assert relates["rel_type"] == "m.thread" and relates["event_id"] == root
        assert relates["m.in_reply_to"]["event_id"] == command

        await carol.say(room, "!summary 99")
        refused = await carol.notice(room, "There is no chapter 99", sender=bot)
        assert refused["content"]["body"].startswith(carol.user_id.split(":")[0][1:])


async def test_invites_from_servers_not_allowed_are_declined(world: World) -> None:
    """An invite from a user or server not in the config is declined (the bot leaves)."""
    bot = world.bot_account()
    stranger = await world.member("stranger")
    async with world.bot(bot, allowed_inviter_servers=[], allowed_inviters=[]):
        room = await stranger.create_room(invite=[bot], version="10")
        event = await stranger.wait_for(
            lambda r, e: (
                r == room
                and e.get("type") == "m.room.member"
                and e.get("state_key") == bot
                and e["content"].get("membership") == "leave"
            ),
            what="the bot to decline",
        )
        assert event["sender"] == bot
