"""Slash commands on the fake: the synced payload, members and moderators, buttons, restarts."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.adapters.discord.commands import MANAGE_MESSAGES
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.poll import install_poll
from tests.discord_fake.server import APP_ID, READING, FakeDiscord

SNAPSHOT = Path(__file__).parent / "discord_commands.json"
EPHEMERAL = 64


def synced(fake: FakeDiscord) -> list[dict[str, object]]:
    (put,) = fake.find("PUT", rf"/applications/{APP_ID}/commands")
    return list(put.body)


async def test_synced_payload_matches_the_snapshot(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """Names, options and permissions synced at start equal tests/discord_commands.json.

    Regenerate deliberately with KRUZHOK_UPDATE_SNAPSHOT=1 when commands change.
    """
    async with discord_bot(tmp_path, fake_discord):
        payload = synced(fake_discord)
    if os.environ.get("KRUZHOK_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    assert payload == json.loads(SNAPSHOT.read_text())


async def test_commands_sync_only_when_they_change(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A restart with the same commands does not sync again; a new command does."""
    async with discord_bot(tmp_path, fake_discord):
        pass
    async with discord_bot(tmp_path, fake_discord):
        pass
    assert len(fake_discord.find("PUT", rf"/applications/{APP_ID}/commands")) == 1
    async with discord_bot(tmp_path, fake_discord, setup=lambda app: install_poll(app, {})):
        pass
    puts = fake_discord.find("PUT", rf"/applications/{APP_ID}/commands")
    assert len(puts) == 2
    poll = next(c for c in puts[1].body if c["name"] == "poll")
    # the test-only poll commands beside the chapters feature's `poll` (new) and `poll end`
    assert [o["name"] for o in poll["options"]] == ["ask", "close", "end", "new", "vote"]
    # mixed member/moderator group: open by default, the core checks moderators
    assert poll["default_member_permissions"] is None


async def test_dev_guild_sync_goes_to_the_guild(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """With discord.dev_guild set, commands are synced to that guild (instant)."""
    async with discord_bot(tmp_path, fake_discord, discord={"dev_guild": 1000}):
        pass
    assert fake_discord.find("PUT", rf"/applications/{APP_ID}/guilds/1000/commands")
    assert not fake_discord.find("PUT", rf"/applications/{APP_ID}/commands")


async def test_member_runs_a_slash_command(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """/summary with an integer option and a flag answers publicly with an embed."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        answer = await fake_discord.slash("alice", "summary", chapter=15, long=True)
        await fake_discord.wait_for(lambda: "Key points" in answer.text())  # maybe a follow-up
        assert bot.alive()
    messages = answer.messages()
    assert messages[0]["embeds"][0]["title"].startswith("Chapter 15")
    assert "Key points" in answer.text()
    assert all(len(m["embeds"][0].get("description") or "") <= 4096 for m in messages)
    assert not any(int(m.get("flags") or 0) & EPHEMERAL for m in messages)
    assert all(m["allowed_mentions"] == {"parse": []} for m in answer.sent())


async def test_moderator_command_refused_to_a_member(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """/reload is marked Manage Messages, and the core refuses a member privately anyway;
    a moderator's /plan set runs. /reload is for the bot's operators only: a guild's
    moderator is refused it."""
    async with discord_bot(tmp_path, fake_discord):
        refused = await fake_discord.slash("alice", "plan", "set", chapter=15)
        allowed = await fake_discord.slash("mod", "plan", "set", chapter=15)
        by_role = await fake_discord.slash("lead", "plan", "set", chapter=15)
        not_operator = await fake_discord.slash("mod", "reload")
    reload = next(c for c in synced(fake_discord) if c["name"] == "reload")
    assert reload["default_member_permissions"] == str(MANAGE_MESSAGES)
    assert refused.ephemeral() and "Only moderators" in refused.text()
    assert "Reading plan set" in allowed.text() and not allowed.ephemeral()
    assert "Only moderators" in by_role.text()  # no role is configured yet
    assert not_operator.ephemeral() and "Only the bot's operators" in not_operator.text()


async def test_configured_role_moderates(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """A member holding a role named in moderators.roles may run moderator commands."""
    async with discord_bot(tmp_path, fake_discord, moderators={"roles": ["Circle lead"]}):
        answer = await fake_discord.slash("lead", "plan", "set", chapter=15)
    assert "Reading plan set" in answer.text()


async def test_markdown_and_mentions_in_core_text_are_inert(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """Text from the core is escaped, and nothing the bot sends may ping anyone."""
    async with discord_bot(tmp_path, fake_discord):
        answer = await fake_discord.slash("alice", "glossary", term="@everyone *bold*")
    (message,) = answer.sent()
    assert "\\*bold\\*" in answer.text()
    assert "@everyone" not in answer.text() and "@\u200beveryone" in answer.text()
    assert message["allowed_mentions"] == {"parse": []}


async def test_autocomplete_offers_chapters(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """The chapter option autocompletes from the book."""
    async with discord_bot(tmp_path, fake_discord):
        answer = await fake_discord.autocomplete("alice", "summary", None, "chapter", chapter="1")
    callback = answer.callback()
    assert callback is not None and callback.body["type"] == 8
    assert callback.body["data"]["choices"][0]["value"] == 15


async def test_quiz_like_buttons_survive_a_restart(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """Two members answer with buttons (confirmed privately); after a restart an old button
    still works; closing the question disables its buttons and later clicks are refused."""
    votes: dict[str, dict[str, str]] = {}
    setup = lambda app: install_poll(app, votes)  # noqa: E731
    async with discord_bot(tmp_path, fake_discord, setup=setup) as bot:
        asked = await fake_discord.slash("mod", "poll", "ask")
        (question,) = asked.messages()
        buttons = question["components"][0]["components"]
        assert [b["label"] for b in buttons] == ["A: Bukharin", "B: Zinoviev", "C: Kamenev"]
        message_id = asked.message_id()
        alice = await fake_discord.click("alice", message_id, buttons[0]["custom_id"])
        assert alice.ephemeral() and "You picked A" in alice.text()
        assert bot.alive()
    async with discord_bot(tmp_path, fake_discord, setup=setup) as bot:
        bob = await fake_discord.click("bob", message_id, buttons[1]["custom_id"])
        assert bob.ephemeral() and "You picked B" in bob.text()
        closed = await fake_discord.slash("mod", "poll", "close", token="p1")
        assert "Closed with 2 vote(s)" in closed.text()
        edits = await fake_discord.wait_for(
            lambda: fake_discord.find("PATCH", rf"/channels/\d+/messages/{message_id}")
        )
        assert all(b["disabled"] for b in edits[-1].body["components"][0]["components"])
        late = await fake_discord.click("alice", message_id, buttons[2]["custom_id"])
        assert late.ephemeral() and "closed" in late.text()
    assert votes["p1"] == {"2001": "A", "2002": "B", "closed": "yes"}


async def test_slow_private_answer_stays_private(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """A deferred (public) command whose answer is private removes the public "thinking..."
    and sends the answer as an ephemeral follow-up: nobody else sees it."""
    async with discord_bot(tmp_path, fake_discord, discord={"defer_after": 0.0}):
        answer = await fake_discord.slash("alice", "summary", chapter=99)
        await fake_discord.wait_for(answer.followups)
    assert answer.callback().body["type"] == 5
    assert fake_discord.find("DELETE", rf"/webhooks/{APP_ID}/{answer.token}/messages/@original")
    (shown,) = answer.messages()
    assert int(shown["flags"]) & EPHEMERAL
    assert "There is no chapter 99" in shown["content"]


async def test_slow_public_answer_fills_the_thinking_message(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A deferred public answer is edited into the "thinking..." message itself."""
    async with discord_bot(tmp_path, fake_discord, discord={"defer_after": 0.0}):
        answer = await fake_discord.slash("alice", "chapters")
        await fake_discord.wait_for(lambda: "15." in answer.text())
    assert answer.callback().body["type"] == 5
    (shown,) = answer.messages()
    assert int(shown["id"]) == answer.message_id() and not int(shown["flags"]) & EPHEMERAL
    assert fake_discord.find("PATCH", rf"/webhooks/{APP_ID}/{answer.token}/messages/@original")


async def test_failing_command_gives_a_private_message(
    tmp_path: Path, fake_discord: FakeDiscord, caplog
) -> None:
    """An exception in a handler ends in a clear ephemeral message and a log line."""
    from bot.core.commands import CommandSet

    def setup(app):
        cs = CommandSet()

        @cs.command("boom", "Always fails")
        async def boom(ctx, args):
            raise RuntimeError("kaput")

        app.engine.table.extend(cs.commands)

    async with discord_bot(tmp_path, fake_discord, setup=setup):
        answer = await fake_discord.slash("alice", "boom")
    assert answer.ephemeral() and "Something went wrong" in answer.text()
    assert "kaput" not in answer.text()


async def test_thread_command_knows_its_channel(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """A command in another channel is answered there."""
    async with discord_bot(tmp_path, fake_discord):
        answer = await fake_discord.slash("alice", "chapters", channel_id=READING)
    assert "15." in answer.text()


async def test_autocomplete_offers_timezones_and_terms(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """The timezone option of /daily set and the glossary term autocomplete."""
    async with discord_bot(tmp_path, fake_discord):
        zones = await fake_discord.autocomplete(
            "mod", "daily", "set", "timezone", timezone="europe/lon"
        )
        terms = await fake_discord.autocomplete("alice", "glossary", None, "term", term="")
    assert [c["value"] for c in zones.callback().body["data"]["choices"]] == ["Europe/London"]
    offered = terms.callback().body["data"]["choices"]
    assert 0 < len(offered) <= 25


async def test_a_command_with_nothing_to_say_is_still_answered(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """An empty reply is not sent as an empty message (Discord refuses those): a private "Done."."""
    from bot.core.commands import CommandSet
    from bot.core.replies import Reply

    def setup(app):
        cs = CommandSet()

        @cs.command("quiet", "Says nothing")
        async def quiet(ctx, args):
            return Reply()

        app.engine.table.extend(cs.commands)

    async with discord_bot(tmp_path, fake_discord, setup=setup):
        answer = await fake_discord.slash("alice", "quiet")
    assert answer.ephemeral() and answer.text() == "Done."


async def test_help_names_the_renamed_slash_commands(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """/help tells Discord members that `stats` is `/stats me` there."""
    async with discord_bot(tmp_path, fake_discord):
        shown = await fake_discord.slash("alice", "help")
        await fake_discord.wait_for(lambda: "On Discord" in shown.text())
    assert "On Discord, /stats is /stats me." in shown.text()
