"""Helpers for the daily quote tests: a recording poster and a clock step that waits for
the scheduler to finish what became due (work, not time: the test clock stands still)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.clock import FakeClock
from bot.core.outbox import PostError
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.daily.feature import DailyFeature
from bot.features.daily.model import ChapterScope
from tests.harness import ConsoleBot

PLATFORM = "fake"


def place(channel: str) -> Place:
    return Place(PLATFORM, "group", channel)


async def schedule(
    bot: ConsoleBot, where: str | Place, at: str, zone: str = "UTC", chapter: str = "all"
) -> None:
    """Set a schedule (a channel name is a channel of the fake platform's "group")."""
    feature = bot.app.feature("daily", DailyFeature)
    await feature.service.set(
        place(where) if isinstance(where, str) else where,
        "mod",
        local_time=at,
        timezone=zone,
        chapter=ChapterScope.parse(chapter),
    )
    await settled(bot)


@dataclass
class Sent:
    channel: str
    at: datetime
    replies: Sequence[Reply]

    @property
    def text(self) -> str:
        return "\n".join(
            "\n".join([r.text, *(f.value for f in r.fields), r.footer or ""]) for r in self.replies
        )


@dataclass
class FakePoster:
    """Records what the scheduler posts, and when; refuses channels listed in `broken`."""

    clock: FakeClock
    sent: list[Sent] = field(default_factory=list)
    broken: dict[str, Exception] = field(default_factory=dict)

    async def post(self, where: Place, replies: Sequence[Reply]) -> None:
        if where.channel_id in self.broken:
            raise self.broken[where.channel_id]
        self.sent.append(Sent(where.channel_id, self.clock.now(), replies))

    def channels(self) -> list[str]:
        return [s.channel for s in self.sent]


def gone() -> PostError:
    return PostError("Missing Access: the channel is gone")


def attach_poster(bot: ConsoleBot, clock: FakeClock) -> FakePoster:
    poster = FakePoster(clock)
    bot.app.engine.outbox.register(PLATFORM, poster)
    return poster


async def settled(bot: ConsoleBot) -> None:
    """Wait until the daily loop has handled everything due now and sleeps again."""
    await bot.app.feature("daily", DailyFeature).scheduler.wait_idle()


async def advance(
    bots: ConsoleBot | Sequence[ConsoleBot], clock: FakeClock, delta: timedelta
) -> None:
    """Move the test clock and let every bot's daily loop catch up."""
    group = [bots] if isinstance(bots, ConsoleBot) else list(bots)
    for bot in group:
        await settled(bot)
    await clock.advance(delta)
    for bot in group:
        await settled(bot)


async def advance_to(
    bots: ConsoleBot | Sequence[ConsoleBot], clock: FakeClock, when: datetime
) -> None:
    await advance(bots, clock, when - clock.now())
