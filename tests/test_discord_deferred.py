"""Answers after a defer, against the fake that fills the "thinking..." message with the
first follow-up as Discord does: a public answer is never stuck private, a private one
never shows publicly, and an interaction is acknowledged once."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, CommandSet
from bot.core.replies import ChoiceSet, Reply
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import APP_ID, EPHEMERAL, FakeDiscord


def install(app: App) -> None:
    cs = CommandSet()

    @cs.command("shout ask", "Ask for a shout")
    async def ask(ctx: CommandContext, args: Args) -> Reply:
        return Reply(text="Shout what?", choices=ChoiceSet(("hurrah", "boo"), "shout say", "s1"))

    @cs.command(
        "shout say",
        "Shout publicly",
        Arg("letter", "A or B", required=True),
        Arg("token", "which", keyword="token", required=True, hidden=True),
    )
    async def say(ctx: CommandContext, args: Args) -> Reply:
        return Reply(text=f"{ctx.caller.display_name} shouts {args['letter']}!")

    @cs.command("boom", "Always fails")
    async def boom(ctx: CommandContext, args: Args) -> Reply:
        raise RuntimeError("kaput")

    app.engine.table.extend(cs.commands)


def deleted_original(fake: FakeDiscord, token: str) -> bool:
    return bool(fake.find("DELETE", rf"/webhooks/{APP_ID}/{token}/messages/@original"))


async def test_a_public_answer_to_a_deferred_button_is_public(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A button defers privately (its answer is usually private); when the answer is public
    the private "thinking..." goes and the answer is a public message."""
    async with discord_bot(tmp_path, fake_discord, setup=install, discord={"defer_after": 0.0}):
        asked = await fake_discord.slash("alice", "shout", "ask")
        (question,) = await fake_discord.wait_for(asked.messages)
        button = question["components"][0]["components"][0]
        click = await fake_discord.click("bob", int(question["id"]), button["custom_id"])
        await fake_discord.wait_for(lambda: "shouts A" in click.text())
    assert click.callback().body == {"type": 5, "data": {"flags": EPHEMERAL}}
    (shown,) = click.messages()
    assert not int(shown["flags"]) & EPHEMERAL and shown["content"] == "Bob shouts A!"
    assert deleted_original(fake_discord, click.token)


async def test_a_failure_after_a_public_defer_is_told_privately(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A command deferred publicly that then fails: the public "thinking..." goes, the
    apology is private, and the interaction is acknowledged once."""
    async with discord_bot(tmp_path, fake_discord, setup=install, discord={"defer_after": 0.0}):
        answer = await fake_discord.slash("alice", "boom")
        await fake_discord.wait_for(lambda: "Something went wrong" in answer.text())
    assert answer.callback().body["type"] == 5
    assert answer.ephemeral() and "kaput" not in answer.text()
    assert deleted_original(fake_discord, answer.token)
    assert [r.status for r in fake_discord.requests if r.status >= 400] == []
