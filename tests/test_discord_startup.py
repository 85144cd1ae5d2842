"""The real discord.py client starts against the loopback fake and asks for no privileged intent."""

from __future__ import annotations

from pathlib import Path

from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import FakeDiscord

GUILDS = 1 << 0
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
GUILD_MESSAGE_POLLS = 1 << 24  # votes in native polls (chapter threads); not privileged
PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


async def test_identify_asks_for_guilds_messages_reactions_and_polls_only(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """The bot connects, identifies with guilds + guild messages + reactions + poll votes,
    and is ready."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        assert bot.alive()
        assert bot.adapter.client.get_guild(1000) is not None
    (identify,) = fake_discord.identifies
    assert identify["intents"] == (
        GUILDS | GUILD_MESSAGES | GUILD_MESSAGE_REACTIONS | GUILD_MESSAGE_POLLS
    )
    assert identify["intents"] & PRIVILEGED == 0


async def test_run_until_done_starts_answers_and_stops_cleanly(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """The real run loop: connect, resume state, answer a command, then shut down on cancel."""
    import asyncio
    import random

    from bot.adapters.discord.adapter import DiscordAdapter
    from bot.app import build_app, run_until_done
    from bot.core.clock import FakeClock
    from tests.harness import START, make_config

    config = make_config(tmp_path, adapters=["discord"], discord={"guild_ready_timeout": 0.2})
    app = await build_app(config, clock=FakeClock(START), rng=random.Random(7))
    adapter = DiscordAdapter(app.engine, app.state(), config.discord, "fake-token")
    running = asyncio.create_task(run_until_done(app, [adapter]))
    await fake_discord.wait_for(lambda: fake_discord.identifies)
    answer = await fake_discord.slash("alice", "chapters")
    assert "15." in answer.text()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert adapter.client.is_closed()


async def test_a_refused_token_is_one_clear_log_line(
    tmp_path: Path, fake_discord: FakeDiscord, caplog
) -> None:
    """A 401 at login stops the adapter with a clear message naming the variable, not the token."""
    import random

    from bot.adapters.discord.adapter import DiscordAdapter
    from bot.app import build_app
    from bot.core.clock import FakeClock
    from tests.harness import START, make_config

    fake_discord.fail("GET", r"/users/@me", 401)
    config = make_config(tmp_path, adapters=["discord"])
    app = await build_app(config, clock=FakeClock(START), rng=random.Random(7))
    adapter = DiscordAdapter(app.engine, app.state(), config.discord, "bad-secret-token")
    try:
        await adapter.run()
    finally:
        await app.stop()
    assert adapter.failed  # `python -m bot run` exits 2
    assert "refused the bot token (from DISCORD_TOKEN)" in caplog.text
    assert "bad-secret-token" not in caplog.text
