"""Review reminders on Discord: a direct message (POST /users/@me/channels, then a message
in that DM channel) at the daily time, never a post in the reading channel; a member who
closed their DMs (Discord refuses with 50007) gets nothing, one log line says so, and the
bot carries on (a test clock moves the day on)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.features.review.feature import ReviewFeature
from tests.discord_fake.harness import DiscordBot, discord_bot
from tests.discord_fake.server import GENERAL, USERS, FakeDiscord
from tests.harness import START
from tests.quiz_helpers import QUIZ_CONTENT


async def miss_and_ask_for_reminders(fake: FakeDiscord, user: str) -> None:
    """`user` misses a practice question (due again tomorrow) and turns reminders on."""
    asked = await fake.slash(user, "quiz", "practice", chapter=2)
    assert "Practice on chapter 2: 1 question(s)" in asked.text()
    missed = await fake.slash(user, "practice", "answer", answer="1927")
    assert "Not quite" in missed.text()
    on = await fake.slash(user, "review", "remind", state="on")
    assert "Review reminders are on" in on.text()


def seen(message: dict[str, object]) -> str:
    embeds = message.get("embeds") or []
    assert isinstance(embeds, list)
    texts = [str(e.get("title") or "") + "\n" + str(e.get("description") or "") for e in embeds]
    return "\n".join([str(message.get("content") or ""), *texts])


async def reminders_at_nine(bot: DiscordBot, clock: FakeClock) -> None:
    """Move the clock to 09:00 the next day (the default daily time) and wait until the
    reminder round has sent what it sends (work to finish; the clock is fake)."""
    await clock.advance(START.replace(day=21, hour=9) - clock.now())
    await bot.app.feature("review", ReviewFeature).scheduler.wait_idle()


async def test_a_reminder_arrives_as_a_direct_message(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    clock = FakeClock(START)  # 12:00 UTC on the 20th
    async with discord_bot(tmp_path, fake_discord, clock, content=str(QUIZ_CONTENT)) as bot:
        await miss_and_ask_for_reminders(fake_discord, "alice")
        channel_posts = len(fake_discord.find("POST", rf"/channels/{GENERAL}/messages"))
        await reminders_at_nine(bot, clock)
        (opened,) = fake_discord.find("POST", "/users/@me/channels")
        assert opened.body == {"recipient_id": USERS["alice"]["id"]}
        assert opened.response["type"] == 1
        (note,) = fake_discord.direct_messages("alice")
        assert "Review reminder" in seen(note)
        assert "1 item to review today" in seen(note)
        assert not fake_discord.direct_messages("bob")
        # Nothing went to the reading channel.
        assert len(fake_discord.find("POST", rf"/channels/{GENERAL}/messages")) == channel_posts
        assert bot.alive()


async def test_a_member_with_closed_dms_gets_nothing_and_the_bot_carries_on(
    tmp_path: Path, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake_discord.closed_dms.add(USERS["alice"]["id"])
    clock = FakeClock(START)
    async with discord_bot(tmp_path, fake_discord, clock, content=str(QUIZ_CONTENT)) as bot:
        await miss_and_ask_for_reminders(fake_discord, "alice")
        await miss_and_ask_for_reminders(fake_discord, "bob")
        await reminders_at_nine(bot, clock)
        assert fake_discord.direct_messages("alice") == []
        refused = [
            r for r in fake_discord.find("POST", r"/channels/\d+/messages") if r.status == 403
        ]
        assert len(refused) == 1
        (bobs,) = fake_discord.direct_messages("bob")
        assert "1 item to review today" in seen(bobs)
        # The bot still answers commands.
        status = await fake_discord.slash("alice", "review", "status")
        assert "1 item" in status.text()
        assert bot.alive()
    about_alice = [
        r.getMessage() for r in caplog.records if str(USERS["alice"]["id"]) in r.getMessage()
    ]
    assert len(about_alice) == 1
    assert "does not accept direct messages" in about_alice[0]
    assert not any(r.exc_info for r in caplog.records)


async def test_a_refused_dm_channel_is_logged_once_and_the_next_day_tried_again(
    tmp_path: Path, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord refusing to open the DM channel itself (it answers so for a member who
    blocked the bot) is one log line; the reminder comes the next day when it opens."""
    caplog.set_level(logging.WARNING)
    clock = FakeClock(START)
    async with discord_bot(tmp_path, fake_discord, clock, content=str(QUIZ_CONTENT)) as bot:
        await miss_and_ask_for_reminders(fake_discord, "alice")
        fake_discord.fail("POST", "/users/@me/channels", 403)
        await reminders_at_nine(bot, clock)
        assert fake_discord.direct_messages("alice") == []
        refusals = [r.getMessage() for r in caplog.records if "direct message" in r.getMessage()]
        assert len(refusals) == 1 and "Discord refused a direct message" in refusals[0]
        # The item stays due (not answered): the next day's round sends the note.
        await clock.advance(START.replace(day=22, hour=9) - clock.now())
        await bot.app.feature("review", ReviewFeature).scheduler.wait_idle()
        (note,) = fake_discord.direct_messages("alice")
        assert "to review today" in seen(note)
        assert bot.alive()
