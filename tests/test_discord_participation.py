"""Participation from Discord gateway events, stored (counts only) and shown by /stats;
charts arrive as image attachments and the export as a CSV file."""

from __future__ import annotations

from pathlib import Path

from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import GENERAL, GUILD_ID, READING, THREAD, FakeDiscord


async def test_messages_and_reactions_are_counted_in_the_database(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """Messages, a thread message and a reaction become daily counts (never text); /stats
    shows them with a chart attached."""
    async with discord_bot(tmp_path, fake_discord) as bot:
        for _ in range(3):
            await fake_discord.message_create("alice")
        await fake_discord.message_create("alice", channel_id=THREAD)
        await fake_discord.reaction_add("alice", channel_id=READING)
        stats = await fake_discord.slash("alice", "stats", "me")
        # drawing the chart may take long enough to defer: wait for the follow-up then
        await fake_discord.wait_for(stats.files)
        assert "3 messages, 1 thread reply, 1 reaction" in stats.text()
        (message,) = [m for m in stats.messages() if m.get("embeds")]
        assert message["embeds"][0]["image"]["url"].startswith("attachment://stats-")
        assert next(name for name, _ in stats.files()).endswith(".png")
        found = await bot.app.db.fetch(
            "SELECT channel_id, SUM(messages), SUM(thread_replies), SUM(reactions) "
            "FROM activity_daily WHERE platform = 'discord' AND group_id = ? AND user_id = '2001' "
            "GROUP BY channel_id ORDER BY channel_id",
            (str(GUILD_ID),),
        )
        rows = [tuple(r) for r in found]
    assert rows == [(str(GENERAL), 3, 0, 0), (str(READING), 0, 1, 1)]


async def test_export_is_a_csv_file_for_moderators(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """/export participation sends a CSV attachment to a moderator; a member is refused."""
    async with discord_bot(tmp_path, fake_discord):
        await fake_discord.message_create("bob")
        refused = await fake_discord.slash("bob", "export", "participation")
        export = await fake_discord.slash("mod", "export", "participation")
        await fake_discord.wait_for(export.files)
    assert refused.ephemeral() and "Only moderators" in refused.text()
    (name, data) = export.files()[0]
    assert name.endswith(".csv") and b"2002" in data


async def test_stats_for_a_member_picked_with_discords_member_option(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """/stats me member:<user> reaches the core as the member's id."""
    async with discord_bot(tmp_path, fake_discord):
        await fake_discord.message_create("bob")
        await fake_discord.message_create("bob")
        shown = await fake_discord.slash("alice", "stats", "me", member="2002")
        await fake_discord.wait_for(shown.files)
    assert "Participation of Bob" in shown.text()
