"""Daily quotes on Discord: set with a slash command, posted by the scheduler when the
test clock reaches the time; a refused post (403) shows in /daily status, logged once."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from tests.discord_fake.harness import discord_bot
from tests.discord_fake.server import GENERAL, FakeDiscord


async def test_daily_quote_is_posted_to_the_channel_at_its_time(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock
) -> None:
    """/daily set 12:30 UTC in #general; at 12:30 on the test clock a quote appears there."""
    async with discord_bot(tmp_path, fake_discord, clock) as bot:
        answer = await fake_discord.slash("mod", "daily", "set", time="12:30", timezone="UTC")
        assert "Every day at 12:30 (UTC)" in answer.text()
        await clock.advance(timedelta(minutes=29))
        assert not fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
        await clock.advance(timedelta(minutes=1))
        (post, *_) = await fake_discord.wait_for(
            lambda: fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
        )
        assert bot.alive()
    assert post.body["allowed_mentions"] == {"parse": []}
    assert post.body.get("embeds") or post.body.get("content")


async def test_refused_daily_post_is_reported_in_status_once(
    tmp_path: Path, fake_discord: FakeDiscord, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A 403 on the daily post is not retried in a loop: /daily status names the failure."""
    caplog.set_level(logging.WARNING)
    async with discord_bot(tmp_path, fake_discord, clock) as bot:
        await fake_discord.slash("mod", "daily", "set", time="12:30", timezone="UTC")
        fake_discord.fail("POST", rf"/channels/{GENERAL}/messages", 403, times=5)
        await clock.advance(timedelta(minutes=30))
        await fake_discord.wait_for(
            lambda: fake_discord.find("POST", rf"/channels/{GENERAL}/messages")
        )
        # the scheduler stores the failure after the refused request: ask until it shows
        status = None
        for _ in range(50):
            status = await fake_discord.slash("mod", "daily", "status")
            if "Last failure" in status.text():
                break
        assert status is not None and "lacks a channel permission" in status.text()
        assert bot.alive()
    assert len(fake_discord.find("POST", rf"/channels/{GENERAL}/messages")) == 1
    assert sum("no permission to post" in r.getMessage() for r in caplog.records) == 1
