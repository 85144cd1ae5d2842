"""The spoiler shield on each platform (issue 17): hidden text is inside `||` on Discord,
carries `data-mx-spoiler` on Matrix (with a plain body that leaves it out), and is a
placeholder on the console; `spoil` goes privately (ephemeral on Discord, a direct room
on Matrix)."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.discord.render import render
from bot.adapters.matrix.render import notice_content
from bot.adapters.render_text import render_reply
from bot.core.replies import Hidden, Reply
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import FakeDiscord
from tests.matrix.fixtures import World
from tests.test_spoilers import SPOILER_CONTENT, SUMMARY

HIDDEN = Reply(
    title="Chapter 2",
    hidden=Hidden("The lamp fails || twice **badly**\n\nThe keeper is blamed", "how to see it"),
)


def test_discord_puts_each_hidden_line_inside_its_own_spoiler_with_markup_inert() -> None:
    (message,) = render(HIDDEN)
    assert message.embed is not None
    description = message.embed.description or ""
    assert "||The lamp fails \\|\\| twice \\*\\*badly\\*\\*||" in description
    assert "||The keeper is blamed||" in description
    assert "how to see it" in description


def test_matrix_hides_the_text_in_a_spoiler_span_and_leaves_it_out_of_the_body() -> None:
    content = notice_content(HIDDEN)
    assert content is not None
    assert "The lamp fails" not in content["body"]
    assert "[hidden: how to see it]" in content["body"]
    assert (
        "<span data-mx-spoiler>The lamp fails || twice **badly**<br><br>The keeper is blamed</span>"
    ) in content["formatted_body"]


def test_the_console_shows_a_placeholder_saying_how_to_see_it() -> None:
    shown = render_reply(HIDDEN)
    assert "The lamp fails" not in shown and "keeper is blamed" not in shown
    assert shown == "== Chapter 2 ==\n[hidden: how to see it]"


async def test_on_discord_the_summary_past_a_members_line_is_inside_spoiler_bars(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord, content=str(SPOILER_CONTENT)) as bot:
        answer = await fake_discord.slash("mod", "spoilers", "set", mode="member")
        assert "Spoiler shield set to member" in answer.text()
        await fake_discord.slash("bob", "read", chapter=1)
        answer = await fake_discord.slash("bob", "summary", chapter=2)
        assert not answer.ephemeral()
        text = answer.text()
        assert f"||The lamp {SUMMARY[2]} and the fishermen blame the keeper.||" in text
        assert SUMMARY[2] not in text.replace(f"||The lamp {SUMMARY[2]}", "")
        answer = await fake_discord.slash("bob", "summary", chapter=2, spoil=True)
        assert answer.ephemeral() and SUMMARY[2] in answer.text() and "||" not in answer.text()
        answer = await fake_discord.slash("bob", "summary", chapter=1)
        assert SUMMARY[1] in answer.text() and "||" not in answer.text()
        assert bot.alive()


async def test_on_synapse_the_hidden_summary_carries_data_mx_spoiler_and_spoil_goes_direct(
    world: World,
) -> None:
    bot_user = world.bot_account()
    async with world.bot(bot_user, app_config={"content": str(SPOILER_CONTENT)}):
        mod = await world.member("mod")
        bob = await world.member("bob", e2e=True)  # the direct room is encrypted
        room = await mod.create_room(invite=[bot_user, bob.user_id], version="10")
        await bob.join(room)
        await mod.joined(room, bot_user)
        await mod.say(room, "!spoilers set member")
        await mod.notice(room, "Spoiler shield set to member", sender=bot_user)
        await bob.say(room, "!read 1")
        await bob.notice(room, "chapter 1", sender=bot_user)
        await bob.say(room, "!summary 2")
        hidden = await bob.notice(room, "[hidden: chapter 2 is past", sender=bot_user)
        content = hidden["content"]
        assert SUMMARY[2] not in content["body"]
        assert "<span data-mx-spoiler>" in content["formatted_body"]
        assert SUMMARY[2] in content["formatted_body"].split("<span data-mx-spoiler>", 1)[1]

        await bob.say(room, "!summary 2 spoil")
        await bob.notice(room, "sent it to you in a direct message", sender=bot_user)
        direct = await bob.join_direct_room()
        await bob.notice(direct, SUMMARY[2], sender=bot_user)
        assert not any(
            SUMMARY[2] in str((e.get("content") or {}).get("body", ""))
            for r, e in mod.seen
            if r == room
        )
