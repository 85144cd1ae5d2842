"""Chapter threads and native polls on Discord, through the real discord.py client and
the strict loopback fake: a thread (or a tagged forum post) is created once per chapter
with the summary and prompts; its poll is Discord's poll object; a vote event checks the
member in; `chapter close` archives and locks the thread; a moderator's poll is expired
and its results posted when it ends."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.activity import Activity
from bot.core.clock import FakeClock
from bot.core.threads import Vote, VoteMode
from bot.features.chapters.feature import ChaptersFeature
from tests.discord_fake import rules
from tests.discord_fake.harness import DiscordBot, discord_bot
from tests.discord_fake.server import GENERAL, USERS, FakeDiscord

FORUM = 1010


class Heard:
    """A vote sink after the chapters feature's: once it has a vote, so has the feature."""

    def __init__(self, bot: DiscordBot) -> None:
        self.votes: list[Vote] = []
        self.changed = asyncio.Event()
        bot.app.engine.threads.sinks.append(self)

    async def voted(self, vote: Vote) -> None:
        self.votes.append(vote)
        self.changed.set()

    async def count(self, n: int) -> None:
        """Wait (for the gateway, not for time) until n votes were taken."""
        async with asyncio.timeout(10):
            while len(self.votes) < n:
                self.changed.clear()
                await self.changed.wait()


class Seen:
    """An activity sink after the chapters feature's: counts messages the bot has taken."""

    def __init__(self, bot: DiscordBot) -> None:
        self.seen: list[Activity] = []
        self.changed = asyncio.Event()
        bot.app.engine.sinks.append(self)

    def record(self, activity: Activity) -> None:
        self.seen.append(activity)
        self.changed.set()

    async def count(self, n: int) -> None:
        async with asyncio.timeout(10):
            while len(self.seen) < n:
                self.changed.clear()
                await self.changed.wait()


def thread_starts(fake: FakeDiscord) -> list[Any]:
    return fake.find("POST", r"/channels/\d+/threads")


async def checkins(bot: DiscordBot) -> list[tuple[Any, ...]]:
    found = await bot.app.db.fetch(
        "SELECT user_id, chapter FROM reading_checkins WHERE platform = 'discord' ORDER BY user_id"
    )
    return [tuple(r) for r in found]


async def test_a_thread_opens_once_per_chapter_with_the_prompts_and_a_poll(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock
) -> None:
    async with discord_bot(tmp_path, fake_discord, clock) as bot:
        opened = await fake_discord.slash("mod", "chapter", "open", chapter="15")
        (start,) = thread_starts(fake_discord)
        assert start.path == f"/channels/{GENERAL}/threads" and start.status == 201
        assert start.body["name"] == "Chapter 15: The United Opposition, 1926-27"
        assert start.body["type"] == 11
        thread_id = int(start.response["id"])
        assert f"<#{thread_id}>" in opened.text()
        (first,) = fake_discord.find("POST", rf"/channels/{thread_id}/messages")
        assert first.status == 200
        embed = first.body["embeds"][0]
        assert embed["description"].startswith("In 1926 Zinoviev and Kamenev")
        assert "1. The 1926 bloc set out" in embed["fields"][0]["value"]
        poll = first.body["poll"]
        assert rules.poll_errors(poll) == []
        assert poll["question"] == {"text": "How far are you in chapter 15?"}
        assert [a["poll_media"]["text"] for a in poll["answers"]] == [
            "Finished chapter 15",
            "More than half",
            "Less than half",
            "Not started yet",
        ]
        assert poll["duration"] == 168 and poll["allow_multiselect"] is False
        again = await fake_discord.slash("mod", "chapter", "open", chapter="15")
        assert f"already has its thread: <#{thread_id}>" in again.text()
        assert len(thread_starts(fake_discord)) == 1
        refused = await fake_discord.slash("bob", "chapter", "open", chapter="15")
        assert refused.ephemeral() and "Only moderators" in refused.text()
        # A vote for "Finished chapter 15" checks bob in; alice's "Less than half" does not.
        poll_message = int(first.response["id"])
        heard = Heard(bot)
        await fake_discord.threads.poll_vote("bob", thread_id, poll_message, 1)
        await fake_discord.threads.poll_vote("alice", thread_id, poll_message, 3)
        await heard.count(2)
        assert sorted((v.caller.user_id, v.options, v.mode) for v in heard.votes) == [
            (str(USERS["alice"]["id"]), (2,), VoteMode.ADD),
            (str(USERS["bob"]["id"]), (0,), VoteMode.ADD),
        ]
        assert heard.votes[0].place.thread_id == str(thread_id)
        assert await checkins(bot) == [(str(USERS["bob"]["id"]), 15)]
        # Replies in the thread count for chapter 15 in the recap, posted in the thread.
        seen = Seen(bot)
        await fake_discord.message_create("alice", channel_id=thread_id)
        await fake_discord.message_create("bob", channel_id=thread_id)
        await fake_discord.message_create("bob", channel_id=GENERAL)  # not in the thread
        await seen.count(3)
        recap = await fake_discord.slash("mod", "recap", chapter="15")
        assert recap.ephemeral() and "posted in the chapter's thread" in recap.text()
        posted = fake_discord.find("POST", rf"/channels/{thread_id}/messages")[-1].body
        fields = {f["name"]: f["value"] for f in posted["embeds"][0]["fields"]}
        assert fields["Took part"] == "2 members" and fields["Messages"] == "2"
        assert fields["Check-ins"] == "1 checked in chapter 15"
        service = bot.app.feature("chapters", ChaptersFeature).service
        poll_row = await service.repo.poll_by_platform_id("discord", str(poll_message))
        assert poll_row is not None
        result = await service.polls.results(poll_row)
        assert result.counts == (1, 0, 1, 0)
    # The link is kept across a restart: no second thread.
    async with discord_bot(tmp_path, fake_discord, clock):
        again = await fake_discord.slash("mod", "chapter", "open", chapter="15")
        assert f"<#{thread_id}>" in again.text()
        assert len(thread_starts(fake_discord)) == 1
        closed = await fake_discord.slash("mod", "chapter", "close", chapter="15")
        assert "locked and archived" in closed.text()
        (patch,) = fake_discord.find("PATCH", rf"/channels/{thread_id}")
        assert patch.body == {"archived": True, "locked": True}
        assert fake_discord.threads.channels[thread_id]["thread_metadata"]["locked"] is True
        (expire,) = fake_discord.find("POST", rf"/channels/{thread_id}/polls/{poll_message}/expire")
        assert expire.status == 200


async def test_a_forum_post_is_tagged_with_the_chapter_and_carries_the_poll(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock
) -> None:
    fake_discord.threads.add_forum(FORUM, tags=("announcements",))
    async with discord_bot(tmp_path, fake_discord, clock, discord={"forum_channel": FORUM}) as bot:
        opened = await fake_discord.slash("mod", "chapter", "open", chapter="15")
        (start,) = thread_starts(fake_discord)
        assert start.path == f"/channels/{FORUM}/threads" and start.status == 201
        forum = fake_discord.threads.channels[FORUM]
        tag = next(t for t in forum["available_tags"] if t["name"] == "chapter 15")
        assert start.body["applied_tags"] == [tag["id"]]
        message = start.body["message"]
        assert rules.message_errors(message) == {}
        assert message["embeds"][0]["title"] == "Chapter 15: The United Opposition, 1926-27"
        assert message["poll"]["answers"][0]["poll_media"]["text"] == "Finished chapter 15"
        post_id = int(start.response["id"])
        assert f"<#{post_id}>" in opened.text()
        # The post's starter message (the post's id) carries the poll: a vote checks in.
        heard = Heard(bot)
        await fake_discord.threads.poll_vote("alice", post_id, post_id, 1)
        await heard.count(1)
        assert await checkins(bot) == [(str(USERS["alice"]["id"]), 15)]


async def test_a_moderators_poll_is_expired_and_its_results_posted_when_it_ends(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock
) -> None:
    async with discord_bot(tmp_path, fake_discord, clock) as bot:
        asked = await fake_discord.slash(
            "mod", "poll", "new", poll="Next book? | My Life | Memoirs"
        )
        assert asked.ephemeral() and "ends in 24 hours" in asked.text()
        (posted,) = [
            r
            for r in fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
            if "poll" in r.body
        ]
        assert rules.poll_errors(posted.body["poll"]) == []
        assert posted.body["poll"]["duration"] == 24
        message_id = int(posted.response["id"])
        heard = Heard(bot)
        await fake_discord.threads.poll_vote("bob", GENERAL, message_id, 2)
        await fake_discord.threads.poll_vote("alice", GENERAL, message_id, 2)
        await fake_discord.threads.poll_vote("alice", GENERAL, message_id, 2, removed=True)
        await fake_discord.threads.poll_vote("alice", GENERAL, message_id, 1)
        await heard.count(4)
        service = bot.app.feature("chapters", ChaptersFeature).service
        await clock.advance(timedelta(hours=24))
        await service.polls.wait_idle()
        (expire,) = fake_discord.find("POST", rf"/channels/{GENERAL}/polls/{message_id}/expire")
        assert expire.status == 200
        results = [
            r
            for r in fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
            if r.body.get("embeds") and "Poll results" in r.body["embeds"][0]["title"]
        ]
        assert len(results) == 1
        text = results[0].body["embeds"][0]["description"]
        assert "My Life: 1 vote (50%)" in text and "Memoirs: 1 vote (50%)" in text
        bad = await fake_discord.slash("mod", "poll", "new", poll="Only? | one")
        assert "a poll needs at least two options" in bad.text()


async def test_a_refused_thread_says_why_and_stores_nothing(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock
) -> None:
    async with discord_bot(tmp_path, fake_discord, clock) as bot:
        fake_discord.fail("POST", rf"/channels/{GENERAL}/threads", 403)
        refused = await fake_discord.slash("mod", "chapter", "open", chapter="15")
        assert refused.ephemeral()
        assert "The thread could not be opened: Discord refused" in refused.text()
        assert "Create Public Threads" in refused.text()
        assert await bot.app.db.fetch("SELECT * FROM chapter_threads") == []
        assert await bot.app.db.fetch("SELECT * FROM chapter_polls") == []
        # Once the permission is there, the same command opens it.
        opened = await fake_discord.slash("mod", "chapter", "open", chapter="15")
        assert "is open for discussion" in opened.text()
