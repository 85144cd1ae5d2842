"""The sums kept beside the daily rows (migration 0013), so that a period's stats read a
few hundred rows whatever the history behind them:

- `activity_group_days`: a group's counts per day, and its active members that day (with
  anything counted);
- `activity_member_months`: a member's counts per month in a group, and the first day of
  that month with a row.

They are written in the transaction of each batch (`add`), and made again from the daily
rows where rows are deleted (`member_deleted`, `cut_before`). A period reads the months it
covers whole from the monthly sums and the days at its two ends from the daily rows
(`Split`). Plain SQL with ? parameters, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.storage.db import Database

TOTAL = "messages + thread_replies + reactions + quiz_answers + commands"
COLUMNS = "messages, thread_replies, reactions, quiz_answers, quiz_correct, commands"
SUMS = (
    "SUM(messages), SUM(thread_replies), SUM(reactions), SUM(quiz_answers), "
    "SUM(quiz_correct), SUM(commands)"
)
ADDED = ", ".join(f"{c} = {{t}}.{c} + excluded.{c}" for c in COLUMNS.split(", "))

DAY_UPSERT = (
    f"INSERT INTO activity_group_days (platform, group_id, day, {COLUMNS}, active) "  # noqa: S608 (fixed text)
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, group_id, day) DO UPDATE SET "
    + ADDED.format(t="activity_group_days")
    + ", active = activity_group_days.active + excluded.active"
)
MONTH_UPSERT = (
    "INSERT INTO activity_member_months (platform, group_id, user_id, month, first_day, "  # noqa: S608 (fixed text)
    f"{COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (platform, group_id, user_id, month) DO UPDATE SET first_day = CASE "
    "WHEN excluded.first_day < activity_member_months.first_day THEN excluded.first_day "
    "ELSE activity_member_months.first_day END, " + ADDED.format(t="activity_member_months")
)
DAY_REBUILD = (
    f"INSERT INTO activity_group_days (platform, group_id, day, {COLUMNS}, active) "  # noqa: S608 (fixed text)
    f"SELECT platform, group_id, day, {SUMS}, "
    f"COUNT(DISTINCT CASE WHEN {TOTAL} > 0 THEN user_id END) FROM activity_daily "
    "WHERE platform = ? AND group_id = ? AND day = ? GROUP BY platform, group_id, day"
)
MONTH_REBUILD = (
    "INSERT INTO activity_member_months (platform, group_id, user_id, month, first_day, "  # noqa: S608 (fixed text)
    f"{COLUMNS}) SELECT platform, group_id, user_id, substr(day, 1, 7), MIN(day), {SUMS} "
    "FROM activity_daily WHERE day >= ? AND day <= ? "
    "GROUP BY platform, group_id, user_id, substr(day, 1, 7)"
)

GROUP_DAYS = (
    f"SELECT day, {COLUMNS}, active FROM activity_group_days "  # noqa: S608 (fixed text)
    "WHERE platform = ? AND group_id = ? AND day >= ? AND day <= ? ORDER BY day"
)

# Each member's sums over the period (whole months from the monthly sums, the days at the
# ends from the daily rows), once; then the counts over all of them and the members ranked
# `limit` or better (a window over the sums). The first member by id always comes back
# too, so the counts arrive when nobody ranks.
# Each part summed per member first (the monthly sums stream in their key's order, so
# the outer sum sorts one row a member and part, not one a month).
_PARTS = (
    "SELECT user_id, MIN(first_day) AS d, "
    + ", ".join(f"SUM({c}) AS {c}" for c in COLUMNS.split(", "))
    + " FROM activity_member_months WHERE platform = ? AND group_id = ? "
    "AND month >= ? AND month <= ? GROUP BY user_id"
    + (
        " UNION ALL SELECT user_id, MIN(day), "
        + ", ".join(f"SUM({c})" for c in COLUMNS.split(", "))
        + " FROM activity_daily WHERE platform = ? AND group_id = ? "
        "AND day >= ? AND day <= ? GROUP BY user_id"
    )
    * 2
)
PERIOD_MEMBERS = (
    "WITH per AS (SELECT user_id, MIN(d) AS first_day, SUM(messages) AS m, "  # noqa: S608 (fixed text)
    f"SUM(thread_replies) AS t, SUM(reactions) AS r, SUM({TOTAL}) AS total, "
    f"SUM(commands) AS c FROM ({_PARTS}) parts GROUP BY user_id), "
    "placed AS (SELECT per.*, RANK() OVER (ORDER BY m + t + r DESC) AS place, "
    "ROW_NUMBER() OVER (ORDER BY user_id) AS n, "
    "SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END) OVER () AS active, "
    "SUM(CASE WHEN c > 0 THEN 1 ELSE 0 END) OVER () AS commanders FROM per) "
    "SELECT x.user_id, p.display_name, x.first_day, x.m, x.t, x.r, x.active, x.commanders, "
    "x.place FROM placed x LEFT JOIN participants p ON p.platform = ? AND p.user_id = x.user_id "
    "WHERE (x.place <= ? AND x.m + x.t + x.r > 0) OR x.n = 1"
)

NONE = ("9999-12-31", "0000-01-01")  # an empty range of days (or months)


@dataclass(frozen=True)
class Split:
    """A period as the sums read it: whole months [first_month, last_month] and two
    ranges of days [head] and [tail] read from the daily rows (empty ranges as NONE)."""

    months: tuple[str, str]
    head: tuple[str, str]
    tail: tuple[str, str]

    @classmethod
    def of(cls, first: date, last: date, kept: tuple[date, date] | None) -> Split:
        """`kept`: the group's first and last day with rows. A month counts as whole when
        every row it holds is inside the period (a period that starts before the first
        row, as `all` does, takes the first month whole)."""
        if kept is None or first > last:
            return cls(NONE, NONE, NONE)
        whole = [
            start
            for start in _months(first, last)
            if max(start, kept[0]) >= first and min(_month_end(start), kept[1]) <= last
        ]
        if not whole:
            return cls(NONE, (first.isoformat(), last.isoformat()), NONE)
        head = (first, whole[0] - timedelta(days=1))
        tail = (_month_end(whole[-1]) + timedelta(days=1), last)
        return cls(
            (whole[0].isoformat()[:7], whole[-1].isoformat()[:7]),
            _days(*head),
            _days(*tail),
        )


def _months(first: date, last: date) -> list[date]:
    starts = []
    month = first.replace(day=1)
    while month <= last:
        starts.append(month)
        month = _month_end(month) + timedelta(days=1)
    return starts


def _month_end(start: date) -> date:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _days(first: date, last: date) -> tuple[str, str]:
    return (first.isoformat(), last.isoformat()) if first <= last else NONE


async def add(db: Database, rows: Sequence[Sequence[object]]) -> None:
    """Add a batch of daily rows (the columns of the daily upsert) to the sums. Call it in
    the batch's transaction, before the daily rows are written: a member becomes active on
    a day when the batch counts something and their rows that day counted nothing so far."""
    days: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0] * 7)
    members: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0] * 6)
    months: dict[tuple[str, str, str, str], list[object]] = {}
    for row in rows:
        day, platform, group_id, _, user_id = (str(v) for v in row[:5])
        counts = [int(v) for v in row[7:13]]  # type: ignore[call-overload]
        sums = members[(platform, group_id, day, user_id)]
        for i, v in enumerate(counts):
            sums[i] += v
        month = months.setdefault((platform, group_id, user_id, day[:7]), [day, 0, 0, 0, 0, 0, 0])
        month[0] = min(str(month[0]), day)
        for i, v in enumerate(counts, 1):
            month[i] = int(month[i]) + v  # type: ignore[call-overload]
    if not members:
        return
    before = await _totals(db, list(members))
    for (platform, group_id, day, user_id), sums in members.items():
        group_day = days[(platform, group_id, day)]
        for i, v in enumerate(sums):
            group_day[i] += v
        counted = sum(sums) - sums[4]  # a correct answer is already an answer
        if counted > 0 and not before.get((platform, group_id, day, user_id), 0):
            group_day[6] += 1
    await db.executemany(DAY_UPSERT, [(*key, *v) for key, v in days.items()])
    await db.executemany(MONTH_UPSERT, [(*key, *v) for key, v in months.items()])


async def _totals(
    db: Database, keys: list[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], int]:
    """What the daily rows count so far for these members on these days."""
    by_day: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for platform, group_id, day, user_id in keys:
        by_day[(platform, group_id, day)].append(user_id)
    found: dict[tuple[str, str, str, str], int] = {}
    for (platform, group_id, day), users in by_day.items():
        for start in range(0, len(users), 500):
            chunk = users[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = await db.fetch(
                f"SELECT user_id, SUM({TOTAL}) FROM activity_daily "  # noqa: S608 (only ? marks)
                f"WHERE platform = ? AND group_id = ? AND day = ? AND user_id IN ({marks}) "
                "GROUP BY user_id",
                (platform, group_id, day, *chunk),
            )
            found.update(((platform, group_id, day, str(r[0])), int(r[1])) for r in rows)
    return found


async def days_of(db: Database, platform: str, user_id: str) -> list[tuple[str, str]]:
    """The (group, day) pairs where a member has daily rows (read before deleting them)."""
    rows = await db.fetch(
        "SELECT DISTINCT group_id, day FROM activity_daily WHERE platform = ? AND user_id = ?",
        (platform, user_id),
    )
    return [(str(r[0]), str(r[1])) for r in rows]


async def member_deleted(
    db: Database, platform: str, user_id: str, days: Sequence[tuple[str, str]]
) -> None:
    """After a member's daily rows are deleted: their monthly sums go, and the days they
    had rows on are summed again from the rows left."""
    await db.execute(
        "DELETE FROM activity_member_months WHERE platform = ? AND user_id = ?",
        (platform, user_id),
    )
    keys = [(platform, group_id, day) for group_id, day in days]
    await db.executemany(
        "DELETE FROM activity_group_days WHERE platform = ? AND group_id = ? AND day = ?", keys
    )
    await db.executemany(DAY_REBUILD, keys)


async def cut_before(db: Database, day: str) -> None:
    """After the daily rows before `day` are deleted: the days before go, and the month of
    `day` is summed again from the rows left."""
    month = day[:7]
    await db.execute("DELETE FROM activity_group_days WHERE day < ?", (day,))
    await db.execute("DELETE FROM activity_member_months WHERE month <= ?", (month,))
    end = _month_end(date.fromisoformat(month + "-01")).isoformat()
    await db.execute(MONTH_REBUILD, (month + "-01", end))


async def rebuild(db: Database) -> None:
    """Make every sum again from the daily rows (as migration 0013 did), in one
    transaction: for rows written around the recorder (a benchmark's, an import's)."""
    async with db.transaction():
        await db.execute("DELETE FROM activity_group_days")
        await db.execute("DELETE FROM activity_member_months")
        await db.execute("DELETE FROM activity_members")
        await db.execute(
            f"INSERT INTO activity_group_days (platform, group_id, day, {COLUMNS}, active) "  # noqa: S608 (fixed text)
            f"SELECT platform, group_id, day, {SUMS}, "
            f"COUNT(DISTINCT CASE WHEN {TOTAL} > 0 THEN user_id END) FROM activity_daily "
            "GROUP BY platform, group_id, day"
        )
        await db.execute(MONTH_REBUILD, ("0000-01-01", "9999-12-31"))
        await db.execute(
            "INSERT INTO activity_members (platform, group_id, user_id) "
            "SELECT DISTINCT platform, group_id, user_id FROM activity_daily"
        )
