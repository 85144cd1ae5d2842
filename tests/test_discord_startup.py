"""The real discord.py client starts against the loopback fake and asks for no privileged intent."""

from __future__ import annotations

from pathlib import Path

from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import FakeDiscord

GUILDS = 1 << 0
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


async def test_identify_asks_for_guilds_messages_and_reactions_only(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """The bot connects, identifies with guilds + guild messages + reactions, and is ready."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        assert bot.alive()
        assert bot.adapter.client.get_guild(1000) is not None
    (identify,) = fake_discord.identifies
    assert identify["intents"] == GUILDS | GUILD_MESSAGES | GUILD_MESSAGE_REACTIONS
    assert identify["intents"] & PRIVILEGED == 0
