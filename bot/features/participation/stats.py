"""Figures from daily rows: local days, periods, streaks, totals. Pure functions, no I/O.

Days are calendar days in the bot's timezone (config.timezone): an event at 23:30 in
Moscow belongs to that Moscow day whatever the UTC date. A week starts on Monday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.periods import Period
from bot.core.wording import plural
from bot.features.participation.repo import DayCounts, TopMember


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) a local day starts; DST days are 23 or 25 hours long."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


class DayCache:
    """Maps instants to local days quickly: most events fall on the day of the previous one."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._start = datetime.max.replace(tzinfo=UTC)
        self._end = self._start
        self._day = ""

    def day(self, at: datetime) -> str:
        if self._start <= at < self._end:
            return self._day
        local = local_day(at, self.tz)
        self._start = day_start(local, self.tz)
        self._end = day_start(local + timedelta(days=1), self.tz)
        self._day = local.isoformat()
        return self._day


def streaks(active: Iterable[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive active days.

    The current streak counts back from today, or from yesterday when today has no
    activity yet (a streak is not broken before the day is over).
    """
    days = set(active)
    longest = 0
    for day in days:
        if day - timedelta(days=1) in days:
            continue
        run = 1
        while day + timedelta(days=run) in days:
            run += 1
        longest = max(longest, run)
    cursor = today if today in days else today - timedelta(days=1)
    current = 0
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest


class Counts(Protocol):
    """Counts of one row: a daily row, or a day's sums."""

    @property
    def messages(self) -> int: ...
    @property
    def thread_replies(self) -> int: ...
    @property
    def reactions(self) -> int: ...
    @property
    def quiz_answers(self) -> int: ...
    @property
    def quiz_correct(self) -> int: ...
    @property
    def commands(self) -> int: ...


@dataclass
class Totals:
    messages: int = 0
    thread_replies: int = 0
    reactions: int = 0
    quiz_answers: int = 0
    quiz_correct: int = 0
    commands: int = 0

    def add(self, row: Counts) -> None:
        self.messages += row.messages
        self.thread_replies += row.thread_replies
        self.reactions += row.reactions
        self.quiz_answers += row.quiz_answers
        self.quiz_correct += row.quiz_correct
        self.commands += row.commands

    @property
    def total(self) -> int:
        return (
            self.messages + self.thread_replies + self.reactions + self.quiz_answers + self.commands
        )

    @property
    def posts(self) -> int:
        return self.messages + self.thread_replies

    def accuracy(self) -> str:
        if not self.quiz_answers:
            return "no quiz answers yet"
        pct = round(100 * self.quiz_correct / self.quiz_answers)
        return f"{self.quiz_correct}/{self.quiz_answers} correct ({pct}%)"

    @property
    def ranked(self) -> int:
        """What rankings count: messages, thread replies and reactions (not commands)."""
        return self.messages + self.thread_replies + self.reactions

    def describe(self) -> str:
        return ", ".join(
            (
                plural(self.messages, "message"),
                plural(self.thread_replies, "thread reply", "thread replies"),
                plural(self.reactions, "reaction"),
                plural(self.quiz_answers, "quiz answer"),
                plural(self.commands, "command"),
            )
        )

    def ranked_parts(self) -> str:
        """ "3 messages, 1 reply" : the non-zero parts of `ranked`."""
        parts = [
            plural(n, one, many)
            for n, one, many in (
                (self.messages, "message", None),
                (self.thread_replies, "reply", "replies"),
                (self.reactions, "reaction", None),
            )
            if n
        ]
        return ", ".join(parts)


def totals(rows: Iterable[Counts]) -> Totals:
    result = Totals()
    for row in rows:
        result.add(row)
    return result


def per_day(days: Iterable[DayCounts], period: Period) -> tuple[list[int], list[int]]:
    """Messages (with thread replies) and active members for each day of the period."""
    found = {d.day: d for d in days}
    keys = [d.isoformat() for d in period.days]
    posts = [found[k].messages + found[k].thread_replies if k in found else 0 for k in keys]
    return posts, [found[k].active if k in found else 0 for k in keys]


def activity_per_day(days: Iterable[DayCounts], period: Period) -> list[int]:
    found = {d.day: d.total for d in days}
    return [found.get(d.isoformat(), 0) for d in period.days]


def ranking(top: Iterable[TopMember], limit: int = 5) -> list[tuple[str, Totals]]:
    """Top members by messages, thread replies and reactions (commands and quiz answers do
    not rank): (display name, their totals), ties by name, then by who came first."""
    ordered = sorted(
        (
            (m, Totals(messages=m.messages, thread_replies=m.thread_replies, reactions=m.reactions))
            for m in top
        ),
        key=lambda mt: (-mt[1].ranked, mt[0].display_name.lower(), mt[0].first_day, mt[0].user_id),
    )
    return [(m.display_name, t) for m, t in ordered[:limit] if t.ranked > 0]
