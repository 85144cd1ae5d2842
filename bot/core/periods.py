"""Periods ending today (`today`, `week`, `month`, `all`, `30d`): one definition for every
command that takes one, stated once in `help` (PERIODS_NOTE). Pure: no I/O, no clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 3660
# Short: what the argument takes. The definitions are in `help` (PERIODS_NOTE).
PERIOD_HELP = "today, week, month, all, or a number of days like 30d"
PERIODS_NOTE = (
    "Periods: today; week = since Monday; month = since the 1st; all = since the first "
    "recorded day; 30d = the last 30 days, today included (1 to 3660). Days are calendar "
    "days in the {tz} timezone."
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    label: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def instants(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """When the period starts and ends (UTC; the end excluded): from the start of its
        first local day to the start of the day after its last, in `tz`."""
        return (
            datetime.combine(self.first, time(0), tzinfo=tz).astimezone(UTC),
            datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC),
        )


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def as_period(raw: str) -> str:
    """A command argument's converter: the period word, lower-cased, once its form is
    known good (raises ValueError with the accepted forms on a bad one)."""
    parse_period(raw, date(2000, 1, 1), None, raw)
    return raw.lower()


def parse_period(
    text: str | None, today: date, first_recorded: date | None, default: str
) -> Period:
    """A period ending today. Raises ValueError with the accepted forms on a bad one."""
    word = (text or default).strip().lower()
    if word == "week":
        start = week_start(today)
        return Period(start, today, f"this week (since {start:%a %d %b})")
    if word == "month":
        start = today.replace(day=1)
        return Period(start, today, f"this month (since {start:%d %b})")
    if word == "today":
        return Period(today, today, "today")
    if word == "all":
        start = min(first_recorded or today, today)
        return Period(start, today, f"all time (since {start.isoformat()})")
    match = re.fullmatch(r"(\d{1,4})d", word)
    if match:
        n = int(match.group(1))
        if not 1 <= n <= MAX_DAYS:
            raise ValueError(f"a number of days from 1 to {MAX_DAYS}")
        start = today - timedelta(days=n - 1)
        return Period(start, today, f"the last {n} day{'s' if n != 1 else ''}")
    raise ValueError(f"expected {PERIOD_HELP}")
