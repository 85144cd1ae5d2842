"""Daily quotes with several processes: each posts only to the places it can reach
(Outbox.reaches); a post due elsewhere is left unclaimed for the process that reaches it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.core.outbox import Outbox
from bot.core.refs import Place
from bot.core.replies import Reply
from bot.features.daily.feature import DailyFeature
from tests.daily_support import PLATFORM, FakePoster, advance, place, schedule, settled
from tests.harness import START, ConsoleBot, console_bot


@dataclass
class ReachingPoster(FakePoster):
    """A FakePoster that reaches only the channels named in `reach`."""

    reach: set[str] = field(default_factory=set)

    def reaches(self, where: Place) -> bool:
        return where.channel_id in self.reach


def attach(bot: ConsoleBot, clock: FakeClock, reach: set[str]) -> ReachingPoster:
    poster = ReachingPoster(clock, reach=reach)
    bot.app.engine.outbox.register(PLATFORM, poster)
    return poster


class Plain:
    async def post(self, where: Place, replies: Sequence[Reply]) -> None:
        """A poster without `reaches`."""


def test_outbox_reaches_what_a_running_adapter_answers_for() -> None:
    outbox = Outbox()
    outbox.register("plain", Plain())
    outbox.register("fake", ReachingPoster(FakeClock(START), reach={"a"}))
    assert outbox.reaches(Place("plain", "g", "any"))
    assert outbox.reaches(Place("fake", "g", "a"))
    assert not outbox.reaches(Place("fake", "g", "b"))
    assert not outbox.reaches(Place("matrix", "g", "a"))  # no adapter runs here


async def test_two_processes_each_post_only_where_they_reach_and_every_post_once(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Ten rooms, five reached by each process, for three days: each post goes out once,
    from the process that reaches its room, and neither loop spins on the other's rooms."""
    rooms = [f"room{n}" for n in range(10)]
    async with console_bot(tmp_path, clock) as first:
        poster_a = attach(first, clock, set(rooms[:5]))
        for room in rooms:
            await schedule(first, room, "13:00", "UTC")
        async with console_bot(tmp_path, clock) as second:
            poster_b = attach(second, clock, set(rooms[5:]))
            await settled(second)
            await advance([first, second], clock, timedelta(hours=1))
            for _ in range(2):
                await advance([first, second], clock, timedelta(days=1))
            assert sorted(poster_a.channels()) == sorted(rooms[:5] * 3)
            assert sorted(poster_b.channels()) == sorted(rooms[5:] * 3)
            repo = await first.app.feature("daily", DailyFeature).service.repo()
            for room in rooms:
                assert [p["status"] for p in await repo.posts(place(room))] == ["posted"] * 3
    assert "posts stay due" not in caplog.text


async def test_a_post_nobody_here_reaches_stays_due_until_its_process_comes(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Alone, a process leaves a post it cannot reach unclaimed, says so once (a line per
    round, not per row), and looks again a minute later rather than spinning; the process
    that reaches it, started within the grace period, posts it."""
    caplog.set_level(logging.INFO)
    async with console_bot(tmp_path, clock) as first:
        attach(first, clock, set())
        await schedule(first, "far", "13:00", "UTC")
        await advance(first, clock, timedelta(hours=1))
        feature = first.app.feature("daily", DailyFeature)
        assert feature.scheduler.sleeping_until == clock.now() + timedelta(minutes=1)
        await advance(first, clock, timedelta(minutes=3))
        assert await (await feature.service.repo()).posts(place("far")) == []
        assert caplog.text.count("1 due post(s) not reachable here, left unclaimed") == 1
        async with console_bot(tmp_path, clock) as second:
            poster = attach(second, clock, {"far"})
            await settled(second)
            assert poster.channels() == ["far"]
    assert "posts stay due" not in caplog.text
