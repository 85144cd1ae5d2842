"""Daily quotes, the pure part: when a schedule runs, and which quote comes next.

A schedule is a wall-clock time in an IANA timezone. Each local date has one run:

- a time that does not exist that day (the clocks jump over it) runs at the first valid
  minute after it (02:30 on New York's spring-forward day runs at 03:00 EDT);
- a time that happens twice (the clocks go back over it) runs once, at its first
  occurrence (01:30 on New York's fall-back day runs at 01:30 EDT, not again at 01:30 EST).

Quotes come in a shuffled cycle per channel: no quote repeats until every eligible quote
has been posted, and a new cycle does not start with the quote that ended the last one.
Nothing here does I/O or reads the clock; randomness is injected.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

from bot.core.timeofday import parse_time

# A gap longer than this does not exist in the tz database (Samoa skipped one whole day).
_MAX_GAP_MINUTES = 48 * 60


@dataclass(frozen=True)
class Schedule:
    """Post every day at `at` (wall-clock, whole minutes) in `zone`."""

    at: time
    zone: ZoneInfo

    @classmethod
    def of(cls, hhmm: str, zone: str) -> Schedule:
        return cls(parse_time(hhmm), ZoneInfo(zone))


@dataclass(frozen=True)
class Run:
    """One run of a schedule: the local date it belongs to and the UTC instant it happens."""

    local_date: date
    at: datetime


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive wall-clock time happens in `zone` (false inside a spring-forward gap)."""
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def run_on(schedule: Schedule, day: date) -> datetime:
    """The UTC instant of the run for local date `day`."""
    wall = datetime.combine(day, schedule.at)
    for _ in range(_MAX_GAP_MINUTES):
        if _exists(wall, schedule.zone):
            # fold=0 is the first occurrence of an ambiguous time.
            return wall.replace(tzinfo=schedule.zone, fold=0).astimezone(UTC)
        wall += timedelta(minutes=1)
    raise ValueError(f"no valid time after {schedule.at} on {day} in {schedule.zone.key}")


def next_run(schedule: Schedule, after: datetime) -> Run:
    """The first run strictly after the instant `after`."""
    today = after.astimezone(schedule.zone).date()
    for offset in range(-1, 4):
        day = today + timedelta(days=offset)
        at = run_on(schedule, day)
        if at > after:
            return Run(day, at)
    raise AssertionError("unreachable: every local date has a run")  # pragma: no cover


def last_run(schedule: Schedule, at_or_before: datetime) -> Run:
    """The latest run at or before the instant `at_or_before`."""
    today = at_or_before.astimezone(schedule.zone).date()
    for offset in range(1, -4, -1):
        day = today + timedelta(days=offset)
        at = run_on(schedule, day)
        if at <= at_or_before:
            return Run(day, at)
    raise AssertionError("unreachable: every local date has a run")  # pragma: no cover


def pick_quote(
    eligible: Sequence[str], seen: frozenset[str], last: str | None, rng: random.Random
) -> tuple[str, frozenset[str]] | None:
    """The next quote of a shuffled cycle and the cycle's new `seen` set.

    `seen` holds the quotes posted in the current cycle. Drawing uniformly from the ones
    not yet seen is the same as walking a shuffled list, but survives content reloads and
    chapter changes: new quotes join the cycle, removed ones drop out. When every eligible
    quote has been seen a new cycle starts, without the quote posted last.
    """
    if not eligible:
        return None
    ordered = sorted(set(eligible))  # the same draw for the same seed, whatever the order given
    fresh = [q for q in ordered if q not in seen]
    if not fresh:
        seen = frozenset()
        fresh = [q for q in ordered if q != last] or ordered
    chosen = rng.choice(fresh)
    return chosen, seen | {chosen}


def timing(schedule: Schedule, now: datetime, not_before: date | None) -> tuple[Run, Run]:
    """The run due at `now` (the latest one not after it) and the run after that."""
    run = last_run(schedule, now)
    if not_before is not None and run.local_date < not_before:
        run = Run(not_before, now)  # the stored next date is ahead of the clock: keep it
    following = next_run(schedule, max(now, run.at))
    while following.local_date <= run.local_date:
        following = next_run(schedule, following.at)
    return run, following


# -- timezone names ------------------------------------------------------------------------


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA name, by its lower-case form."""
    return {name.lower(): name for name in available_timezones()}


def find_timezone(raw: str) -> str | None:
    """The IANA name `raw` stands for (case does not matter), or None."""
    return _zone_names().get(raw.strip().lower())


@cache
def current_city_zones() -> frozenset[str]:
    """The city zones of the system's zone.tab (one per country and region, no deprecated
    aliases like US/Eastern or Europe/Kiev); empty when the system has no zone.tab."""
    for root in TZPATH:
        tab = Path(root) / "zone.tab"
        if tab.is_file():
            rows = (line.split("\t") for line in tab.read_text(encoding="utf-8").splitlines())
            return frozenset(r[2] for r in rows if len(r) > 2 and not r[0].startswith("#"))
    return frozenset()


def closest_timezones(raw: str, limit: int = 3) -> list[str]:
    """The valid city names closest to a wrong one, best first (current names only, when
    the system says which they are)."""
    current = current_city_zones()
    names = {
        k: v
        for k, v in _zone_names().items()
        if "/" in k and not k.startswith("etc/") and (not current or v in current)
    }
    query = raw.strip().lower().replace(" ", "_")
    found = process.extract(query, list(names), scorer=fuzz.WRatio, limit=limit)
    return [names[match[0]] for match in found]
