"""Daily quote schedules and the days already claimed: plain SQL, rows -> dataclasses.

A schedule belongs to one place: (platform, group_id, channel_id, thread_id), unique with
the thread (a thread and its parent channel are two places), and has an integer `id` that
`daily_posts` refers to. Times are stored as whole seconds since the epoch (UTC), local
dates as ISO text. A post is claimed before it is sent, in one transaction that checks
the row's `version` (bumped by every change) and inserts (schedule_id, local_date) into
`daily_posts`, whose primary key refuses a second claim for the same day. Two copies of
the bot on one database therefore post once: the second finds the version moved on or
the day taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

from bot.core.refs import Place
from bot.features.daily.model import (
    DailyRow,
    Outcome,
    Plan,
    PostStatus,
    Settings,
    stored_scope,
)
from bot.storage.db import Database, Row

# Rows claimed per transaction: bounds how long the write lock is held.
CLAIM_CHUNK = 500

# A claim: the day taken (a plain INSERT: should the day be taken after all, the key
# refuses it and the whole chunk rolls back rather than post twice), and the schedule
# moved on. bench/bench_daily.py sends the same statements for its floor.
CLAIM_INSERT = (
    "INSERT INTO daily_posts (schedule_id, local_date, book_id, status, quote_id, at)"
    " SELECT id, ?, COALESCE(?, book_id), ?, ?, ? FROM daily_schedules WHERE id = ?"
)
CLAIM_UPDATE = (
    "UPDATE daily_schedules SET next_due = ?, next_date = ?, last_date = ?,"
    " enabled = CASE WHEN CAST(? AS INTEGER) IS NULL THEN 0 ELSE enabled END,"
    " version = version + 1, seen = ?, book_id = COALESCE(?, book_id),"
    " last_quote_id = COALESCE(?, last_quote_id),"
    " last_error = COALESCE(?, last_error),"
    " last_error_at = CASE WHEN CAST(? AS TEXT) IS NULL THEN last_error_at ELSE ? END"
    " WHERE id = ?"
)

# The schedules due at a time (epoch seconds), with the columns of a DailyRow in the order
# due_rows reads them. bench/bench_daily.py sends the same query for its floor.
DUE = (
    "SELECT id, platform, group_id, channel_id, thread_id, book_id, local_time, timezone,"
    " chapter, prompt, enabled, next_due, next_date, last_date, version, seen,"
    " last_quote_id, last_post_at, last_error, last_error_at"
    " FROM daily_schedules WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY next_due, id"
)


def _place(place: Place) -> tuple[str, str, str, str]:
    """The parameters of a place condition, written in each statement as
    `platform = ? AND group_id = ? AND channel_id = ? AND COALESCE(thread_id, '') = ?`
    (the expression of the unique index daily_schedules_place, so the index serves it)."""
    return (place.platform, place.group_id, place.channel_id, place.thread_id or "")


def _columns(place: Place, book_id: str, settings: Settings) -> tuple[str | int | None, ...]:
    """The columns platform .. prompt of daily_schedules, in table order."""
    return (
        place.platform,
        place.group_id,
        place.channel_id,
        place.thread_id or None,
        book_id,
        settings.local_time,
        settings.timezone,
        str(settings.chapter),
        int(settings.prompt),
    )


class DailyRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, place: Place) -> DailyRow | None:
        row = await self.db.fetchrow(
            "SELECT * FROM daily_schedules"
            " WHERE platform = ? AND group_id = ? AND channel_id = ? AND COALESCE(thread_id, '') = ?",
            _place(place),
        )
        return DailyRow.from_row(row) if row else None

    async def by_id(self, schedule_id: int) -> DailyRow | None:
        row = await self.db.fetchrow("SELECT * FROM daily_schedules WHERE id = ?", (schedule_id,))
        return DailyRow.from_row(row) if row else None

    async def adopt_legacy(self, book_id: str) -> int:
        """Attach rows written before schedules knew their book to `book_id`."""
        async with self.db.transaction():
            count = await self.db.execute(
                "UPDATE daily_schedules SET book_id = ? WHERE book_id IS NULL", (book_id,)
            )
            await self.db.execute(
                "UPDATE daily_posts SET book_id = ? WHERE book_id IS NULL", (book_id,)
            )
        return count

    async def save(
        self,
        place: Place,
        book_id: str,
        settings: Settings,
        next_due: int,
        next_date: str,
        now: int,
        user: str,
    ) -> None:
        """Create or change a place's schedule and turn it on (the cycle keeps its book)."""
        await self.db.execute(
            "INSERT INTO daily_schedules (platform, group_id, channel_id, thread_id, book_id,"
            " local_time, timezone, chapter, prompt, enabled, next_due, next_date,"
            " updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)"
            " ON CONFLICT (platform, group_id, channel_id, (COALESCE(thread_id, ''))) DO UPDATE SET"
            " local_time = excluded.local_time, timezone = excluded.timezone,"
            " chapter = excluded.chapter, prompt = excluded.prompt, enabled = 1,"
            " next_due = excluded.next_due, next_date = excluded.next_date,"
            " version = daily_schedules.version + 1,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (*_columns(place, book_id, settings), next_due, next_date, user, now),
        )

    async def ensure(
        self, place: Place, book_id: str, settings: Settings, now: int, user: str
    ) -> None:
        """A row (off) to keep the quote cycle of a place that has no schedule."""
        await self.db.execute(
            "INSERT INTO daily_schedules (platform, group_id, channel_id, thread_id, book_id,"
            " local_time, timezone, chapter, prompt, enabled, updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
            " ON CONFLICT (platform, group_id, channel_id, (COALESCE(thread_id, ''))) DO NOTHING",
            (*_columns(place, book_id, settings), user, now),
        )

    async def turn_off(self, place: Place, now: int, user: str) -> bool:
        count = await self.db.execute(
            "UPDATE daily_schedules SET enabled = 0, next_due = NULL, next_date = NULL,"
            " version = version + 1, updated_by = ?, updated_at = ?"
            " WHERE platform = ? AND group_id = ? AND channel_id = ? AND COALESCE(thread_id, '') = ?"
            " AND enabled = 1",
            (user, now, *_place(place)),
        )
        return count == 1

    async def next_due(self) -> int | None:
        row = await self.db.fetchrow(
            "SELECT MIN(next_due) FROM daily_schedules WHERE next_due IS NOT NULL"
        )
        return int(row[0]) if row and row[0] is not None else None

    async def next_due_after(self, now: int) -> int | None:
        row = await self.db.fetchrow(
            "SELECT MIN(next_due) FROM daily_schedules WHERE next_due > ?", (now,)
        )
        return int(row[0]) if row and row[0] is not None else None

    async def due(self, now: int) -> list[DailyRow]:
        return due_rows(await self.db.fetch(DUE, (now,)))

    async def claim(self, plans: Sequence[Plan], now: int) -> list[Plan]:
        """Claim the plans whose row has not changed since they were made.

        Returns the plans that now belong to this caller; a day claimed before (by
        another copy, or before a restart) comes back as nothing to do.
        """
        # Each distinct cycle written as JSON once, before any write lock is taken.
        texts = {seen: _seen(seen) for seen in {p.seen for p in plans}}
        mine: list[Plan] = []
        for start in range(0, len(plans), CLAIM_CHUNK):
            mine.extend(await self._claim_chunk(plans[start : start + CLAIM_CHUNK], now, texts))
        return mine

    async def _claim_chunk(
        self, plans: Sequence[Plan], now: int, texts: dict[frozenset[str], str]
    ) -> list[Plan]:
        ids = [p.schedule_id for p in plans]
        dates = sorted({p.local_date for p in plans})
        async with self.db.transaction():
            # Under the write lock (SQLite) or the row locks (for_update) nothing changes
            # between these reads and the writes.
            versions = dict(
                await self._pairs(
                    "SELECT id, version FROM daily_schedules WHERE id IN ({ids}){lock}",
                    ids,
                )
            )
            current = [p for p in plans if versions.get(p.schedule_id) == p.version]
            taken_days = set(
                await self._pairs(
                    "SELECT schedule_id, local_date FROM daily_posts"
                    " WHERE schedule_id IN ({ids}) AND local_date IN ({dates})",
                    [p.schedule_id for p in current],
                    dates,
                )
            )
            mine = [p for p in current if (p.schedule_id, p.local_date) not in taken_days]
            taken = [p for p in current if (p.schedule_id, p.local_date) in taken_days]
            # A plain INSERT: should a day be taken after all, the key refuses it and the
            # whole chunk rolls back rather than post twice.
            await self._many(
                CLAIM_INSERT,
                [
                    (p.local_date, p.book_id, p.status.value, p.quote_id, now, p.schedule_id)
                    for p in mine
                ],
            )
            await self._many(
                CLAIM_UPDATE,
                [
                    (
                        p.next_due,
                        p.next_date,
                        p.local_date,
                        p.next_due,
                        texts[p.seen],
                        p.book_id,
                        p.quote_id,
                        p.error,
                        p.error,
                        now,
                        p.schedule_id,
                    )
                    for p in mine
                ],
            )
            await self._many(
                "UPDATE daily_schedules SET next_due = ?, next_date = ?, version = version + 1"
                " WHERE id = ?",
                [(p.next_due, p.next_date, p.schedule_id) for p in taken],
            )
        return mine

    async def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """executemany, skipped when there is nothing to send (a round trip saved)."""
        if rows:
            await self.db.executemany(sql, rows)

    async def _pairs(
        self, sql: str, ids: Sequence[int], dates: Sequence[str] = ()
    ) -> list[tuple[Any, Any]]:
        """Run a query whose IN lists are filled with ? marks (never with values), and
        whose {lock} is the database's row lock for a SELECT (for_update)."""
        if not ids:
            return []
        text = sql.format(ids=_marks(len(ids)), dates=_marks(len(dates)), lock=self.db.for_update)
        return [(r[0], r[1]) for r in await self.db.fetch(text, [*ids, *dates])]

    async def take_quote(
        self, row: DailyRow, book_id: str, quote_id: str, seen: frozenset[str], now: int
    ) -> bool:
        """Move a place's cycle on by one quote (for `daily now`, which is then the last
        post); False if the row changed."""
        count = await self.db.execute(
            "UPDATE daily_schedules SET seen = ?, book_id = ?, last_quote_id = ?,"
            " last_post_at = ?, version = version + 1 WHERE id = ? AND version = ?",
            (_seen(seen), book_id, quote_id, now, row.id, row.version),
        )
        return count == 1

    async def record(self, outcomes: Iterable[Outcome]) -> None:
        """Store how claimed posts went: the last post, or the last failure."""
        done = list(outcomes)
        if not done:
            return
        async with self.db.transaction():
            await self._many(
                "UPDATE daily_schedules SET last_post_at = ? WHERE id = ?",
                [(o.at, o.schedule_id) for o in done if o.error is None],
            )
            await self._many(
                "UPDATE daily_schedules SET last_error = ?, last_error_at = ? WHERE id = ?",
                [(o.error, o.at, o.schedule_id) for o in done if o.error is not None],
            )
            await self._many(
                "UPDATE daily_posts SET status = ? WHERE schedule_id = ? AND local_date = ?",
                [
                    (
                        (PostStatus.FAILED if o.error else PostStatus.POSTED).value,
                        o.schedule_id,
                        o.local_date,
                    )
                    for o in done
                    if o.local_date is not None
                ],
            )

    async def posts(self, place: Place) -> list[dict[str, Any]]:
        """The days claimed for a place, oldest first (for status and tests)."""
        return [
            dict(r)
            for r in await self.db.fetch(
                "SELECT p.local_date, p.book_id, p.status, p.quote_id, p.at"
                " FROM daily_posts p"
                " WHERE p.schedule_id = (SELECT id FROM daily_schedules WHERE platform = ?"
                " AND group_id = ? AND channel_id = ? AND COALESCE(thread_id, '') = ?)"
                " ORDER BY p.local_date",
                _place(place),
            )
        ]


def due_rows(rows: Sequence[Row]) -> list[DailyRow]:
    """DailyRow.from_row for the rows of DUE, read by position: rows with the same
    settings (or the same seen list) share one parsed value instead of parsing it again."""
    settings: dict[tuple[Any, ...], Settings] = {}
    seens: dict[str, frozenset[str]] = {}
    out = []
    for row in rows:
        (
            id_,
            platform,
            group_id,
            channel_id,
            thread_id,
            book_id,
            local_time,
            timezone,
            chapter,
            prompt,
            enabled,
            next_due,
            next_date,
            last_date,
            version,
            seen_text,
            last_quote_id,
            last_post_at,
            last_error,
            last_error_at,
        ) = cast(Sequence[Any], row)
        key = (local_time, timezone, chapter, prompt)
        found = settings.get(key)
        if found is None:
            found = settings[key] = Settings(
                local_time, timezone, stored_scope(chapter), bool(prompt)
            )
        seen = seens.get(seen_text)
        if seen is None:
            seen = seens[seen_text] = frozenset(json.loads(seen_text))
        out.append(
            DailyRow(
                id_,
                Place(platform, group_id, channel_id, thread_id),
                book_id,
                found,
                bool(enabled),
                next_due,
                next_date,
                last_date,
                version,
                seen,
                last_quote_id,
                last_post_at,
                last_error,
                last_error_at,
            )
        )
    return out


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


def _seen(seen: frozenset[str]) -> str:
    return json.dumps(sorted(seen))
