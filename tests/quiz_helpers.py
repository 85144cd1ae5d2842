"""Helpers for the quiz tests: the test book, what is right and wrong, waiting for timers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.core.activity import Activity
from bot.core.clock import FakeClock
from tests.harness import ROOT, ConsoleBot, console_bot

QUIZ_CONTENT = ROOT / "tests" / "quiz_content"

# The start of each test question -> (a right answer, a wrong answer)
ANSWERS = {
    "After how many days": ("B", "A"),
    "Was the strike still spreading": ("A", "B"),
    "In which city": ("london", "paris"),
    "In which year": ("1926", "1927"),
}


def right_and_wrong(shown: str) -> tuple[str, str]:
    """The right and a wrong answer to the last question in what the console showed."""
    found = [(shown.rfind(start), pair) for start, pair in ANSWERS.items() if start in shown]
    assert found, f"no known question in:\n{shown}"
    return max(found)[1]


@asynccontextmanager
async def quiz_bot(tmp_path: Path, clock: FakeClock, **overrides: Any) -> AsyncIterator[ConsoleBot]:
    async with console_bot(tmp_path, clock, content=str(QUIZ_CONTENT), **overrides) as bot:
        yield bot


async def posted(bot: ConsoleBot, timeout: float = 5.0) -> str:
    """What a timer posted once its time came (the clock is fake; this only waits for the
    timer's database write and post to finish, a few milliseconds)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not bot.out.getvalue() and loop.time() < end:
        await asyncio.sleep(0.002)
    return bot.posted()


class Recorder:
    """An activity sink that keeps what it was given."""

    def __init__(self) -> None:
        self.seen: list[Activity] = []

    def record(self, activity: Activity) -> None:
        self.seen.append(activity)

    def kinds(self, kind: str) -> list[str]:
        return [a.user_id for a in self.seen if a.kind == kind]
