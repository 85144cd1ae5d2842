"""Gateway events become participation; posts without a command; 403 and 429 from Discord."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.activity import Activity, ActivityKind
from bot.core.outbox import PostError
from bot.core.refs import Place
from bot.core.replies import Attachment, Reply
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import GENERAL, GUILD_ID, READING, THREAD, FakeDiscord

GENERAL_PLACE = Place("discord", str(GUILD_ID), str(GENERAL))


class RecordingSink:
    def __init__(self) -> None:
        self.activities: list[Activity] = []

    def record(self, activity: Activity) -> None:
        self.activities.append(activity)


async def test_messages_threads_and_reactions_are_recorded(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A message, a thread message and a reaction each become one activity (who, where)."""
    sink = RecordingSink()
    async with discord_bot(
        tmp_path, fake_discord, setup=lambda app: app.engine.sinks.append(sink)
    ) as bot:
        await fake_discord.message_create("alice")
        await fake_discord.message_create("bob", channel_id=THREAD)
        await fake_discord.reaction_add("bob", channel_id=READING)
        await fake_discord.wait_for(lambda: len(sink.activities) >= 3)
        assert bot.alive()
    kinds = [(a.kind, a.user_id, a.place.channel_id, a.place.thread_id) for a in sink.activities]
    assert kinds == [
        (ActivityKind.MESSAGE, "2001", str(GENERAL), None),
        (ActivityKind.THREAD_REPLY, "2002", str(READING), str(THREAD)),
        (ActivityKind.REACTION, "2002", str(READING), None),
    ]


async def test_only_reading_channels_count(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    """With reading_channels set, messages elsewhere are not recorded; a thread counts for its parent."""
    sink = RecordingSink()
    async with discord_bot(
        tmp_path,
        fake_discord,
        setup=lambda app: app.engine.sinks.append(sink),
        discord={"reading_channels": [READING]},
    ):
        await fake_discord.message_create("alice", channel_id=GENERAL)
        await fake_discord.message_create("alice", channel_id=THREAD)
        await fake_discord.wait_for(lambda: sink.activities)
    assert [a.place.thread_id for a in sink.activities] == [str(THREAD)]


async def test_post_sends_embeds_attachments_and_splits_long_text(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """outbox.post reaches the channel: long text in pieces within 2,000 characters, files attached."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        await bot.app.engine.outbox.post(GENERAL_PLACE, [Reply(text="word " * 1000)])
        chart = Attachment("chart.png", b"\x89PNG fake", "image/png")
        csv = Attachment("participation.csv", b"user,messages\n", "text/csv")
        await bot.app.engine.outbox.post(
            GENERAL_PLACE, [Reply(title="Stats", text="@everyone look", image=chart, file=csv)]
        )
    posts = fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
    assert len(posts) == 4
    assert all(len(p.body["content"]) <= 2000 for p in posts[:3])
    assert "".join(p.body["content"] for p in posts[:3]).replace(" ", "") == "word" * 1000
    last = posts[3]
    assert [name for name, _ in last.files] == ["chart.png", "participation.csv"]
    assert last.body["embeds"][0]["image"]["url"] == "attachment://chart.png"
    assert last.body["allowed_mentions"] == {"parse": []}


async def test_rate_limit_is_waited_out_by_discord_py(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A 429 answer is retried after retry_after, and the post goes through."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        fake_discord.fail("POST", rf"/channels/{GENERAL}/messages", 429, retry_after=0.05)
        await bot.app.engine.outbox.post(GENERAL_PLACE, [Reply(text="Daily quote")])
        assert bot.alive()
    attempts = fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
    assert [a.status for a in attempts] == [429, 200]


async def test_forbidden_post_is_reported_once_not_retried(
    tmp_path: Path, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    """A 403 raises PostError (for `daily status`), logs one warning per channel, and is not retried."""
    caplog.set_level(logging.WARNING)
    async with discord_bot(tmp_path, fake_discord) as bot:
        fake_discord.fail("POST", rf"/channels/{GENERAL}/messages", 403, times=2)
        for _ in range(2):
            with pytest.raises(PostError, match="lacks a channel permission"):
                await bot.app.engine.outbox.post(GENERAL_PLACE, [Reply(text="Daily quote")])
        assert bot.alive()
    assert len(fake_discord.find("POST", rf"/channels/{GENERAL}/messages")) == 2
    warnings = [r for r in caplog.records if "no permission to post" in r.getMessage()]
    assert len(warnings) == 1
    assert "fake-token" not in caplog.text


async def test_attachment_over_the_upload_limit_is_named_not_sent(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A file larger than the server's upload limit is left out with a note, not a failed post."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        huge = Attachment("participation.csv", b"x" * (11 * 1024 * 1024), "text/csv")
        await bot.app.engine.outbox.post(GENERAL_PLACE, [Reply(text="Export", file=huge)])
    (post,) = fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
    assert post.files == []
    assert "participation.csv: too large to upload here" in post.body["content"]


async def test_a_command_in_a_thread_belongs_to_the_thread_and_its_channel(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """A slash command run in a thread reaches the core with the parent channel and the thread."""
    sink = RecordingSink()
    async with discord_bot(tmp_path, fake_discord, setup=lambda app: app.engine.sinks.append(sink)):
        answer = await fake_discord.slash("bob", "chapters", channel_id=THREAD)
        assert "15." in answer.text()
    (command,) = [a for a in sink.activities if a.kind is ActivityKind.COMMAND]
    assert (command.place.channel_id, command.place.thread_id) == (str(READING), str(THREAD))
