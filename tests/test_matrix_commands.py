"""The Matrix adapter against a real Synapse: commands, moderators, threads, invites."""

from __future__ import annotations

from tests.matrix.fixtures import World


async def test_member_command_gets_an_escaped_notice_and_moderator_command_is_refused(
    world: World,
) -> None:
    """A member's !summary is answered with an m.notice (plain body + HTML); the room's
    creator (power 100, room v10) may !reload; a member (power 0) is refused."""
    bot = world.bot_account()
    mod = await world.member("mod")
    alice = await world.member("alice")
    async with world.bot(bot):
        room = await mod.create_room(invite=[bot, alice.user_id], version="10")
        await alice.join(room)
        await mod.wait_for(
            lambda r, e: (
                r == room
                and e.get("type") == "m.room.member"
                and e.get("state_key") == bot
                and e["content"].get("membership") == "join"
            ),
            what="the bot to join",
        )
        await alice.say(room, "!summary 15")
        notice = await alice.notice(room, "Chapter 15", sender=bot)
        content = notice["content"]
        assert content["format"] == "org.matrix.custom.html"
        assert "<strong>Chapter 15" in content["formatted_body"]
        assert content["m.mentions"] == {}

        await alice.say(room, "!reload")
        refused = await alice.notice(room, "Only moderators", sender=bot)
        assert "!reload" in refused["content"]["body"]

        await mod.say(room, "!reload")
        await mod.notice(room, "Content reloaded", sender=bot)
