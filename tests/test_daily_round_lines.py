"""A round of daily quotes asks each group's spoiler line once and shares it among that
group's channels only: a shielded group never gets a quote past its plan's chapter while
an open group, due in the same round, gets quotes from every chapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.core.refs import GroupRef, Place
from bot.core.spoilers import SpoilerMode
from bot.features.plan.feature import PlanFeature
from bot.features.spoilers.feature import SpoilersFeature
from tests.daily_support import PLATFORM, advance, attach_poster, schedule
from tests.harness import ROOT, ConsoleBot, console_bot

SPOILER_CONTENT = ROOT / "tests" / "spoiler_content"
QUOTE = {
    1: "never once gone dark",
    2: "sail blind is no keeper",
    3: "The storm took the Marta",
}


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[ConsoleBot]:
    async with console_bot(tmp_path, clock, content=str(SPOILER_CONTENT)) as console:
        yield console


async def test_one_round_keeps_each_groups_own_spoiler_line(
    bot: ConsoleBot, clock: FakeClock
) -> None:
    poster = attach_poster(bot, clock)
    shielded = [Place(PLATFORM, "shielded", f"s{n}") for n in range(6)]
    open_ = [Place(PLATFORM, "open", f"o{n}") for n in range(6)]
    plan = bot.app.feature("plan", PlanFeature).service
    await plan.set(shielded[0], await plan.book(shielded[0]), 1, None)
    await plan.set(open_[0], await plan.book(open_[0]), 1, None)  # a plan, but no shield
    spoilers = bot.app.feature("spoilers", SpoilersFeature).service
    await spoilers.set_mode(GroupRef(PLATFORM, "shielded"), SpoilerMode.PLAN)
    at = (clock.now() + timedelta(hours=1)).strftime("%H:%M")
    for where in [*shielded, *open_]:
        await schedule(bot, where, at)
    await advance(bot, clock, timedelta(hours=1))
    for _ in range(3):
        await advance(bot, clock, timedelta(days=1))
    by_channel: dict[str, str] = {}
    for sent in poster.sent:
        by_channel[sent.channel] = by_channel.get(sent.channel, "") + sent.text
    assert sorted(by_channel) == sorted(p.channel_id for p in [*shielded, *open_])
    shielded_text = "".join(by_channel[p.channel_id] for p in shielded)
    open_text = "".join(by_channel[p.channel_id] for p in open_)
    assert len(poster.sent) == 4 * 12
    assert QUOTE[1] in shielded_text
    assert QUOTE[2] not in shielded_text and QUOTE[3] not in shielded_text
    assert QUOTE[2] in open_text and QUOTE[3] in open_text
