"""Helpers for the quiz tests: the test book, what is right and wrong, waiting for timers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.content.model import Book
from bot.core.activity import Activity
from bot.core.clock import FakeClock
from tests.harness import ROOT, ConsoleBot, console_bot

QUIZ_CONTENT = ROOT / "tests" / "quiz_content"

# The start of each test question -> (a right answer, a wrong answer); a choice question's
# answers are the text of its choices, given as the letters shown (choices are shuffled).
CHOICES = {"After how many days": ("Ten", "Three")}
ANSWERS = {
    "After how many days": ("Ten", "Three"),
    "Was the strike still spreading": ("A", "B"),
    "In which city": ("london", "paris"),
    "In which year": ("1926", "1927"),
}


def right_and_wrong(shown: str) -> tuple[str, str]:
    """The right and a wrong answer to the last question in what the console showed."""
    found = [(shown.rfind(start), start) for start in ANSWERS if start in shown]
    assert found, f"no known question in:\n{shown}"
    at, start = max(found)
    right, wrong = ANSWERS[start]
    if start in CHOICES:
        return letter_of(shown[at:], right), letter_of(shown[at:], wrong)
    return right, wrong


def letter_of(shown: str, choice: str) -> str:
    """The letter the first list of lettered options in `shown` gives a choice's text."""
    match = re.search(rf"\b([A-J])(?:\)|\*\*) +{re.escape(choice)}\b", shown)
    assert match, f"no choice {choice!r} in:\n{shown}"
    return match[1]


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


def book_answers(shown: str, book: Book) -> tuple[str, str]:
    """The right and a wrong answer, as text, to the last of the book's questions shown."""
    items = [i for c in book.chapters for i in c.quiz]
    found = [(shown.rfind(i.question), i) for i in items if i.question in shown]
    assert found, f"no question of {book.meta.id} in:\n{shown}"
    item = max(found, key=lambda pair: pair[0])[1]
    wrong = [o for o in item.options if o != item.answer_text] or ["not the answer"]
    return item.answer_text, wrong[0]
