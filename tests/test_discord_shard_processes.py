"""Discord shards in real processes: two `python -m bot run` processes, shards 0 and 1 of
2, on one database, against the loopback fake (in this test's process). Each identifies
for its shard and gets only its guild; only shard 0 syncs the commands; a quiz and a
daily quote work in a guild of each shard; every daily post is sent once. Time moves
through a file clock (KRUZHOK_CLOCK_FILE)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path

from tests.console_process import ConsoleProcess, clock_env, write_clock
from tests.discord_fake.harness import TOKEN
from tests.discord_fake.launch import launch
from tests.discord_fake.server import GENERAL, READING, SECOND_GENERAL, SECOND_READING, FakeDiscord
from tests.harness import START
from tests.test_discord_shards import LIBRARY, channel_posts, quiz_in, shared_database

__all__ = ["shared_database"]  # the fixture: SQLite, then PostgreSQL

SYNC_SKIPPED = "the process running shard 0 syncs the slash commands, not this one"


def write_config(folder: Path, database: str, shard: int) -> Path:
    config = folder / f"shard{shard}.yaml"
    config.write_text(
        f"database: {database}\ncontent: {LIBRARY}\nseed: 7\nadapters: [discord]\n"
        f"console:\n  output_dir: {folder / 'out'}\n"
        "discord:\n  guild_ready_timeout: 0.2\n  shard_count: 2\n"
        f"  shard_ids: [{shard}]\n"
    )
    return config


@asynccontextmanager
async def bot_process(
    fake: FakeDiscord, config: Path, clock_file: Path, name: str
) -> AsyncIterator[ConsoleProcess]:
    """`python -m bot run` with the Discord adapter against the fake; SIGTERM at the end
    (a clean stop finishes the daily round in flight), exit code 0 checked."""
    proc = await launch(
        f"{fake.base}/api/v10",
        fake.gateway_url,
        "run",
        "--config",
        str(config),
        env={"DISCORD_TOKEN": TOKEN, **clock_env(clock_file)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    process = ConsoleProcess(proc, name)
    try:
        yield process
    except BaseException:
        await process.kill()
        raise
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 60)
    await process.kill()  # ends the readers
    assert code == 0, process._describe(f"exit code {code}")


async def test_two_shard_processes_answer_their_guilds_and_post_each_quote_once(
    tmp_path: Path, fake_discord: FakeDiscord, shared_database: str
) -> None:
    fake_discord.add_second_guild()
    clock_file = tmp_path / "clock"
    write_clock(clock_file, START)
    async with AsyncExitStack() as stack:
        processes = []
        for shard in (0, 1):
            config = write_config(tmp_path, shared_database, shard)
            processes.append(
                await stack.enter_async_context(
                    bot_process(fake_discord, config, clock_file, f"shard {shard}")
                )
            )
            # one at a time: both migrate the same fresh database otherwise
            await fake_discord.wait_for(lambda n=shard: len(fake_discord.connections) > n, 60)
        assert [c.shard_id for c in fake_discord.connections] == [0, 1]
        assert [i["shard"] for i in fake_discord.identifies] == [[0, 2], [1, 2]]
        await processes[1].wait_for_log(SYNC_SKIPPED)
        assert SYNC_SKIPPED not in processes[0].stderr
        assert len(fake_discord.find("PUT", r"/applications/\d+/commands")) == 1

        for channel in (READING, SECOND_READING):
            reveal = await quiz_in(fake_discord, channel)
            assert "Alice" in reveal, reveal

        for channel in (GENERAL, SECOND_GENERAL):
            answer = await fake_discord.slash(
                "mod", "daily", "set", channel_id=channel, time="12:30", timezone="UTC"
            )
            assert "Every day at 12:30 (UTC)" in answer.text()
        for day in (1, 2):
            write_clock(clock_file, START + timedelta(minutes=30, days=day - 1))
            try:
                await fake_discord.wait_for(
                    lambda day=day: (
                        channel_posts(fake_discord, GENERAL) >= day
                        and channel_posts(fake_discord, SECOND_GENERAL) >= day
                    ),
                    15,
                )
            except TimeoutError:
                logs = "\n".join(p._describe(f"no daily post on day {day}") for p in processes)
                raise AssertionError(logs) from None
    # Both stopped cleanly (rounds in flight finished): still one post per channel and day.
    assert channel_posts(fake_discord, GENERAL) == 2
    assert channel_posts(fake_discord, SECOND_GENERAL) == 2
