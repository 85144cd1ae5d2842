"""Daily quote schedules and the days already claimed: plain SQL, rows -> dataclasses.

Times are stored as whole seconds since the epoch (UTC), local dates as ISO text. A post
is claimed before it is sent, in one transaction that checks the row's `version` (bumped
by every change) and inserts (place_key, local_date) into `daily_posts`, whose primary
key refuses a second claim for the same day. Two copies of the bot on one database
therefore post once: the second finds the version moved on or the day taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.refs import Place
from bot.storage.db import Database, Row

# Rows claimed per transaction: bounds how long the write lock is held.
CLAIM_CHUNK = 500


def _place_and_settings(place: Place, settings: Settings) -> tuple[str | int | None, ...]:
    """The columns place_key .. prompt of daily_schedules, in table order."""
    return (
        place_key(place),
        place.platform,
        place.group_id,
        place.channel_id,
        place.thread_id,
        settings.local_time,
        settings.timezone,
        settings.chapter,
        int(settings.prompt),
    )


def place_key(place: Place) -> str:
    """One schedule per channel (or per thread, when set in a thread)."""
    key = place.channel_key
    return f"{key}/{place.thread_id}" if place.thread_id else key


@dataclass(frozen=True)
class DailyRow:
    place_key: str
    place: Place
    local_time: str
    timezone: str
    chapter: str  # "all", "current" or a chapter number
    prompt: bool
    enabled: bool
    next_due: int | None
    next_date: str | None
    last_date: str | None
    version: int
    seen: frozenset[str]
    last_quote_id: str | None
    last_post_at: int | None
    last_error: str | None
    last_error_at: int | None

    @classmethod
    def from_row(cls, row: Row) -> DailyRow:
        return cls(
            place_key=row["place_key"],
            place=Place(row["platform"], row["group_id"], row["channel_id"], row["thread_id"]),
            local_time=row["local_time"],
            timezone=row["timezone"],
            chapter=row["chapter"],
            prompt=bool(row["prompt"]),
            enabled=bool(row["enabled"]),
            next_due=row["next_due"],
            next_date=row["next_date"],
            last_date=row["last_date"],
            version=row["version"],
            seen=frozenset(json.loads(row["seen"])),
            last_quote_id=row["last_quote_id"],
            last_post_at=row["last_post_at"],
            last_error=row["last_error"],
            last_error_at=row["last_error_at"],
        )


@dataclass(frozen=True)
class Settings:
    local_time: str
    timezone: str
    chapter: str
    prompt: bool


@dataclass(frozen=True)
class Plan:
    """What the scheduler means to do with one due row, decided before claiming it."""

    place_key: str
    version: int  # the version the plan was made from
    local_date: str
    next_due: int | None  # None: the stored schedule is unusable; it is turned off
    next_date: str | None
    status: str  # "claimed" (to post), "skipped" (too late) or "failed" (nothing to post)
    quote_id: str | None = None
    seen: frozenset[str] = frozenset()
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    """How a claimed post went."""

    place_key: str
    local_date: str | None  # None for `daily now`
    at: int
    quote_id: str | None
    error: str | None = None


class DailyRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> DailyRow | None:
        row = await self.db.fetchrow("SELECT * FROM daily_schedules WHERE place_key = ?", (key,))
        return DailyRow.from_row(row) if row else None

    async def save(
        self,
        place: Place,
        settings: Settings,
        next_due: int,
        next_date: str,
        now: int,
        user: str,
    ) -> None:
        """Create or change a channel's schedule and turn it on."""
        await self.db.execute(
            "INSERT INTO daily_schedules (place_key, platform, group_id, channel_id, thread_id,"
            " local_time, timezone, chapter, prompt, enabled, next_due, next_date,"
            " updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)"
            " ON CONFLICT (place_key) DO UPDATE SET"
            " local_time = excluded.local_time, timezone = excluded.timezone,"
            " chapter = excluded.chapter, prompt = excluded.prompt, enabled = 1,"
            " next_due = excluded.next_due, next_date = excluded.next_date,"
            " thread_id = excluded.thread_id,"
            " version = daily_schedules.version + 1,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (
                *_place_and_settings(place, settings),
                next_due,
                next_date,
                user,
                now,
            ),
        )

    async def ensure(self, place: Place, settings: Settings, now: int, user: str) -> None:
        """A row (off) to keep the quote cycle of a channel that has no schedule."""
        await self.db.execute(
            "INSERT INTO daily_schedules (place_key, platform, group_id, channel_id, thread_id,"
            " local_time, timezone, chapter, prompt, enabled, updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
            " ON CONFLICT (place_key) DO NOTHING",
            (
                *_place_and_settings(place, settings),
                user,
                now,
            ),
        )

    async def turn_off(self, key: str, now: int, user: str) -> bool:
        count = await self.db.execute(
            "UPDATE daily_schedules SET enabled = 0, next_due = NULL, next_date = NULL,"
            " version = version + 1, updated_by = ?, updated_at = ?"
            " WHERE place_key = ? AND enabled = 1",
            (user, now, key),
        )
        return count == 1

    async def next_due(self) -> int | None:
        row = await self.db.fetchrow(
            "SELECT MIN(next_due) FROM daily_schedules WHERE next_due IS NOT NULL"
        )
        return int(row[0]) if row and row[0] is not None else None

    async def due(self, now: int) -> list[DailyRow]:
        rows = await self.db.fetch(
            "SELECT * FROM daily_schedules WHERE next_due IS NOT NULL AND next_due <= ?"
            " ORDER BY next_due, place_key",
            (now,),
        )
        return [DailyRow.from_row(r) for r in rows]

    async def claim(self, plans: Sequence[Plan], now: int) -> list[Plan]:
        """Claim the plans whose row has not changed since they were made.

        Returns the plans that now belong to this caller; a day claimed before (by
        another copy, or before a restart) comes back as nothing to do.
        """
        mine: list[Plan] = []
        for start in range(0, len(plans), CLAIM_CHUNK):
            mine.extend(await self._claim_chunk(plans[start : start + CLAIM_CHUNK], now))
        return mine

    async def _claim_chunk(self, plans: Sequence[Plan], now: int) -> list[Plan]:
        keys = [p.place_key for p in plans]
        dates = sorted({p.local_date for p in plans})
        async with self.db.transaction():
            # Under the write lock nothing changes between these reads and the writes.
            versions = dict(
                await self._pairs(
                    "SELECT place_key, version FROM daily_schedules WHERE place_key IN ({keys})",
                    keys,
                )
            )
            current = [p for p in plans if versions.get(p.place_key) == p.version]
            taken_days = set(
                await self._pairs(
                    "SELECT place_key, local_date FROM daily_posts"
                    " WHERE place_key IN ({keys}) AND local_date IN ({dates})",
                    [p.place_key for p in current],
                    dates,
                )
            )
            mine = [p for p in current if (p.place_key, p.local_date) not in taken_days]
            taken = [p for p in current if (p.place_key, p.local_date) in taken_days]
            # A plain INSERT: should a day be taken after all, the key refuses it and the
            # whole chunk rolls back rather than post twice.
            await self.db.executemany(
                "INSERT INTO daily_posts (place_key, local_date, status, quote_id, at)"
                " VALUES (?, ?, ?, ?, ?)",
                [(p.place_key, p.local_date, p.status, p.quote_id, now) for p in mine],
            )
            await self.db.executemany(
                "UPDATE daily_schedules SET next_due = ?, next_date = ?, last_date = ?,"
                " enabled = CASE WHEN ? IS NULL THEN 0 ELSE enabled END, version = version + 1, seen = ?, last_quote_id = COALESCE(?, last_quote_id),"
                " last_error = COALESCE(?, last_error),"
                " last_error_at = CASE WHEN ? IS NULL THEN last_error_at ELSE ? END"
                " WHERE place_key = ?",
                [
                    (
                        p.next_due,
                        p.next_date,
                        p.local_date,
                        p.next_due,
                        _seen(p.seen),
                        p.quote_id,
                        p.error,
                        p.error,
                        now,
                        p.place_key,
                    )
                    for p in mine
                ],
            )
            await self.db.executemany(
                "UPDATE daily_schedules SET next_due = ?, next_date = ?, version = version + 1"
                " WHERE place_key = ?",
                [(p.next_due, p.next_date, p.place_key) for p in taken],
            )
        return mine

    async def _pairs(
        self, sql: str, keys: Sequence[str], dates: Sequence[str] = ()
    ) -> list[tuple[Any, Any]]:
        """Run a query whose IN lists are filled with ? marks (never with values)."""
        if not keys:
            return []
        text = sql.format(keys=_marks(len(keys)), dates=_marks(len(dates)))
        return [(r[0], r[1]) for r in await self.db.fetch(text, [*keys, *dates])]

    async def take_quote(self, row: DailyRow, quote_id: str, seen: frozenset[str]) -> bool:
        """Move a channel's cycle on by one quote (for `daily now`); False if the row changed."""
        count = await self.db.execute(
            "UPDATE daily_schedules SET seen = ?, last_quote_id = ?, version = version + 1"
            " WHERE place_key = ? AND version = ?",
            (_seen(seen), quote_id, row.place_key, row.version),
        )
        return count == 1

    async def record(self, outcomes: Iterable[Outcome]) -> None:
        """Store how claimed posts went: the last post, or the last failure."""
        done = list(outcomes)
        if not done:
            return
        async with self.db.transaction():
            await self.db.executemany(
                "UPDATE daily_schedules SET last_post_at = ? WHERE place_key = ?",
                [(o.at, o.place_key) for o in done if o.error is None],
            )
            await self.db.executemany(
                "UPDATE daily_schedules SET last_error = ?, last_error_at = ? WHERE place_key = ?",
                [(o.error, o.at, o.place_key) for o in done if o.error is not None],
            )
            await self.db.executemany(
                "UPDATE daily_posts SET status = ? WHERE place_key = ? AND local_date = ?",
                [
                    ("failed" if o.error else "posted", o.place_key, o.local_date)
                    for o in done
                    if o.local_date is not None
                ],
            )

    async def posts(self, key: str) -> list[dict[str, Any]]:
        """The days claimed for a channel, oldest first (for status and tests)."""
        return [
            dict(r)
            for r in await self.db.fetch(
                "SELECT local_date, status, quote_id, at FROM daily_posts"
                " WHERE place_key = ? ORDER BY local_date",
                (key,),
            )
        ]


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


def _seen(seen: frozenset[str]) -> str:
    return json.dumps(sorted(seen))
