"""Oversized replies sent through the real discord.py client to the strict fake, which
refuses what Discord refuses: each arrives whole, in pieces Discord accepts, answered at
once or after a defer, and as a channel post."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.core.command_context import CommandContext
from bot.core.commands import Args, CommandSet
from bot.core.refs import Place
from bot.core.replies import Attachment, ChoiceSet, Field, Reply
from tests.discord_fake import rules
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import GENERAL, GUILD_ID, FakeDiscord

UPLOAD_LIMIT = 1000  # what the fake's interactions allow (attachment_size_limit)
LINE = "a line of the reading notes, long enough to fill a message quickly. " * 2
# Pieces of at most 2000 characters; the last one is 1990 long, so the note cannot join it.
LONG_TEXT = "\n".join([LINE] * 20) + "\n" + "z" * 1990
NOTE = "(notes.txt: too large to upload here)"
END = "(end)"

REPLIES: dict[str, Reply] = {
    # a long text whose last piece plus the "file too large" note would pass 2000
    "text": Reply(
        text=LONG_TEXT, file=Attachment("notes.txt", b"n" * (UPLOAD_LIMIT + 1), "text/plain")
    ),
    # title, description and footer each at Discord's limit: 6400 > 6000 together
    "embed": Reply(title="T" * 300, text="d" * 4096, footer="f" * 2100),
    # 30 fields at their limits, with a footer
    "fields": Reply(
        title="Fields",
        fields=tuple(Field(f"{i:02}" + "n" * 300, "v" * 1100) for i in range(30)),
        footer="f" * 2048,
    ),
    # long options: button labels over 80 characters
    "choices": Reply(
        text="Pick one.", choices=ChoiceSet(tuple("o" * 200 for _ in range(5)), "big pick", "t1")
    ),
}


def install(app: App) -> None:
    cs = CommandSet()

    def answer(reply: Reply) -> Any:
        async def handler(ctx: CommandContext, args: Args) -> list[Reply]:
            return [reply, Reply(text=END)]  # the last message: the answer is complete

        return handler

    for name, reply in REPLIES.items():
        cs.command(f"big {name}", f"an oversized {name} reply")(answer(reply))
    cs.command("big pick", "pick")(answer(Reply(text="picked", private=True)))
    app.engine.table.extend(cs.commands)


def refused(fake: FakeDiscord) -> list[Any]:
    return [(r.method, r.path, r.status, r.response) for r in fake.requests if r.status >= 400]


def within_limits(message: dict[str, Any]) -> None:
    assert rules.message_errors(message) == {}, message
    assert len(message.get("content") or "") <= rules.CONTENT_LIMIT


def shown_text(messages: list[dict[str, Any]]) -> str:
    parts = []
    for message in messages:
        parts.append(message.get("content") or "")
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f["name"] + f["value"] for f in embed.get("fields") or []]
            parts.append((embed.get("footer") or {}).get("text") or "")
    return "".join(parts)


@pytest.mark.parametrize("defer_after", [5.0, 0.0], ids=["at-once", "deferred"])
async def test_oversized_replies_arrive_whole_within_discords_limits(
    tmp_path: Path, fake_discord: FakeDiscord, defer_after: float
) -> None:
    fake_discord.upload_limit = UPLOAD_LIMIT
    async with discord_bot(
        tmp_path, fake_discord, setup=install, discord={"defer_after": defer_after}
    ) as bot:
        answers = {name: await fake_discord.slash("alice", "big", name) for name in REPLIES}
        for answer in answers.values():
            await fake_discord.wait_for(
                lambda a=answer: [m.get("content") for m in a.messages()][-1:] == [END]
            )
        assert bot.alive()
    assert refused(fake_discord) == []
    shown = {name: answer.messages()[:-1] for name, answer in answers.items()}
    for messages in shown.values():
        for message in messages:
            within_limits(message)
    text = "".join(m["content"] for m in shown["text"])
    assert "".join(text.split()) == "".join((LONG_TEXT + NOTE).split())
    assert shown["text"][-1]["content"] == NOTE and not answers["text"].files()
    embed = shown_text(shown["embed"])
    assert "d" * 4096 in embed and "f" * 2047 + "…" in embed and "T" * 255 + "…" in embed
    fields = shown_text(shown["fields"])
    assert all(f"{i:02}" + "n" * 253 + "…" + "v" * 1023 + "…" in fields for i in range(30))
    (question,) = shown["choices"]
    labels = [b["label"] for row in question["components"] for b in row["components"]]
    assert len(labels) == 5 and all(len(label) == 80 for label in labels)


async def test_oversized_posts_arrive_whole_within_discords_limits(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """The same replies posted to a channel without a command (the outbox's path)."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        place = Place("discord", str(GUILD_ID), str(GENERAL))
        replies = [REPLIES["embed"], REPLIES["fields"], Reply(text=LONG_TEXT)]
        await bot.adapter.post(place, replies)
    assert refused(fake_discord) == []
    posts = [r.response for r in fake_discord.find("POST", rf"/channels/{GENERAL}/messages")]
    assert len(posts) >= 6
    for message in posts:
        within_limits(message)
    assert "z" * 1990 in shown_text(posts) and "f" * 2047 + "…" in shown_text(posts)
