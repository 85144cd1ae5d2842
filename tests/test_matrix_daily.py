"""The daily quote posted into a Matrix room when its time comes (a test clock)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FakeClock
from bot.features.daily.feature import DailyFeature
from tests.harness import START
from tests.matrix.fixtures import World


async def test_daily_quote_is_posted_to_the_room_at_its_time(world: World) -> None:
    """A moderator sets a daily quote at 13:00; when the test clock reaches it, the room
    gets the quote as an m.notice, unprompted."""
    clock = FakeClock(START)  # 12:00 UTC
    bot_user = world.bot_account()
    mod = await world.member("mod")
    async with world.bot(bot_user, clock=clock) as bot:
        room = await mod.create_room(invite=[bot_user], version="10")
        await mod.joined(room, bot_user)
        await mod.say(room, "!daily set time 13:00 chapter 15")
        await mod.notice(room, "Every day at 13:00", sender=bot_user)
        scheduler = bot.app.feature("daily", DailyFeature).scheduler
        await scheduler.wait_idle()
        await clock.advance(timedelta(minutes=59))
        await scheduler.wait_idle()
        await clock.advance(timedelta(minutes=1))
        await scheduler.wait_idle()
        post = await mod.notice(room, "Quote of the day", sender=bot_user)
        assert "(chapter 15: " in post["content"]["body"]
        assert "<strong>Quote of the day</strong>" in post["content"]["formatted_body"]
        assert post["content"]["m.mentions"] == {}
