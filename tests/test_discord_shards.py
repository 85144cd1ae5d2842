"""Discord shards across processes: two bots, shards 0 and 1 of 2, on one database,
against the loopback fake. Each runs and answers only its guild; one syncs the commands;
a quiz and a daily quote work in a guild of each shard; every daily post is sent once.

The two bots here are two apps in this test's process, each with its own DiscordAdapter,
discord.py AutoShardedClient, gateway connection, database pool and daily scheduler; they
share nothing but the database and the fake (and the test clock). The same run with two
real `python -m bot run` processes is in test_discord_shard_processes.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.discord.adapter import ShardedKruzhokClient
from bot.core.clock import FakeClock
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.daily.feature import DailyFeature
from tests.discord_fake.harness import DiscordBot, discord_bot
from tests.discord_fake.server import (
    GENERAL,
    GUILD_ID,
    READING,
    SECOND_GENERAL,
    SECOND_GUILD_ID,
    SECOND_READING,
    FakeDiscord,
)
from tests.harness import ROOT
from tests.quiz_helpers import letter_of
from tests.test_discord_quiz import button, question_message

LIBRARY = ROOT / "tests" / "library_content"  # a book with quiz questions and quotes


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The one database both processes use: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "kruzhok.sqlite3")
    return str(request.getfixturevalue("postgres_url"))


@asynccontextmanager
async def two_shards(
    tmp_path: Path, fake: FakeDiscord, clock: FakeClock, database: str
) -> AsyncIterator[tuple[DiscordBot, DiscordBot]]:
    """Bots for shard 0 and shard 1 of 2 on one database, both ready."""
    fake.add_second_guild()
    fake.recommended_shards = 2
    async with AsyncExitStack() as stack:
        bots = []
        for shard in (0, 1):
            folder = tmp_path / f"shard{shard}"
            folder.mkdir()
            bot = await stack.enter_async_context(
                discord_bot(
                    folder,
                    fake,
                    clock,
                    database=database,
                    content=str(LIBRARY),
                    discord={"shard_count": 2, "shard_ids": [shard]},
                )
            )
            bots.append(bot)
        yield bots[0], bots[1]


async def quiz_in(fake: FakeDiscord, channel: int) -> str:
    """Start a one-question quiz in the channel, alice answers right, the mod reveals."""
    started = await fake.slash(
        "mod", "quiz", "start", channel_id=channel, chapter=1, kinds="choice", questions=1
    )
    question = await question_message(fake, started)
    assert "How many bakers" in started.text()
    question_id = max(i for i, m in fake.messages.items() if m.get("components"))
    right = letter_of(started.text(), "Forty-two")
    click = await fake.click("alice", question_id, button(question, right))
    assert click.ephemeral() and "Your answer to question 1" in click.text()
    revealed = await fake.slash("mod", "quiz", "next", channel_id=channel)
    return revealed.text()


def channel_posts(fake: FakeDiscord, channel: int) -> int:
    return len(fake.find("POST", rf"/channels/{channel}/messages"))


def record_posts(bot: DiscordBot) -> list[str]:
    """The guild ids the bot's adapter posts to without a command (daily quotes)."""
    guilds: list[str] = []
    post = bot.adapter.post

    async def recording(place: Place, replies: Sequence[Reply]) -> None:
        guilds.append(place.group_id)
        await post(place, replies)

    bot.adapter.post = recording  # type: ignore[method-assign]
    return guilds


async def settled(*bots: DiscordBot) -> None:
    for bot in bots:
        await bot.app.feature("daily", DailyFeature).scheduler.wait_idle()


async def test_two_shard_processes_share_the_work_of_one_database(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock, shared_database: str
) -> None:
    async with two_shards(tmp_path, fake_discord, clock, shared_database) as (first, second):
        # Each identified for its shard, READY echoed it, each holds only its guild.
        shards = [i["shard"] for i in fake_discord.identifies]
        assert shards == [[0, 2], [1, 2]]
        assert [c.shard_id for c in fake_discord.connections] == [0, 1]
        assert [g.id for g in first.adapter.client.guilds] == [GUILD_ID]
        assert [g.id for g in second.adapter.client.guilds] == [SECOND_GUILD_ID]
        place_1, place_2 = (Place("discord", str(g), "1") for g in (GUILD_ID, SECOND_GUILD_ID))
        assert first.adapter.reaches(place_1) and not first.adapter.reaches(place_2)
        assert second.adapter.reaches(place_2) and not second.adapter.reaches(place_1)
        # Only the process with shard 0 synced the command tree.
        assert len(fake_discord.find("PUT", r"/applications/\d+/commands")) == 1

        # A quiz in a guild of each shard (each interaction answered once, by its shard).
        for channel in (READING, SECOND_READING):
            reveal = await quiz_in(fake_discord, channel)
            assert "Alice" in reveal, reveal

        # A daily quote in a guild of each shard, for three days: each posted once a day,
        # by the process whose shard holds the guild.
        posted_by = [record_posts(first), record_posts(second)]
        for channel in (GENERAL, SECOND_GENERAL):
            answer = await fake_discord.slash(
                "mod", "daily", "set", channel_id=channel, time="12:30", timezone="UTC"
            )
            assert "Every day at 12:30 (UTC)" in answer.text()
        await settled(first, second)
        for day in range(1, 4):
            await clock.advance(timedelta(minutes=30) if day == 1 else timedelta(days=1))
            await fake_discord.wait_for(
                lambda day=day: (
                    channel_posts(fake_discord, GENERAL) >= day
                    and channel_posts(fake_discord, SECOND_GENERAL) >= day
                )
            )
            await settled(first, second)
            assert channel_posts(fake_discord, GENERAL) == day
            assert channel_posts(fake_discord, SECOND_GENERAL) == day
        assert posted_by == [[str(GUILD_ID)] * 3, [str(SECOND_GUILD_ID)] * 3]
        assert first.alive() and second.alive()


async def test_one_process_can_run_every_shard(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`shard_count` alone: one AutoShardedClient runs shards 0 and 1, holds both guilds,
    syncs the commands and answers (and reaches) both."""

    async def no_pacing(self: object, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before each IDENTIFY but the first; not here."""

    monkeypatch.setattr(ShardedKruzhokClient, "before_identify_hook", no_pacing)
    fake_discord.add_second_guild()
    overrides = {"content": str(LIBRARY), "discord": {"shard_count": 2}}
    async with discord_bot(tmp_path, fake_discord, clock, **overrides) as bot:
        assert [i["shard"] for i in fake_discord.identifies] == [[0, 2], [1, 2]]
        assert sorted(g.id for g in bot.adapter.client.guilds) == [GUILD_ID, SECOND_GUILD_ID]
        assert len(fake_discord.find("PUT", r"/applications/\d+/commands")) == 1
        for guild in (GUILD_ID, SECOND_GUILD_ID):
            assert bot.adapter.reaches(Place("discord", str(guild), "1"))
        for channel in (READING, SECOND_READING):
            assert "Alice" in await quiz_in(fake_discord, channel)
