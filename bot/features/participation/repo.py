"""Participation storage: daily activity counts and members' names. Plain SQL with ?
parameters; rows become dataclasses. Days are ISO dates ("2026-11-20") in the bot's
timezone, so they sort and compare as text. A daily row belongs to the book its group read
that day and the plan's chapter (0: no plan was set)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from bot.core.refs import GroupRef, MemberRef
from bot.features.participation import sums
from bot.storage.db import Database, Row

COUNTERS = (
    "messages",
    "thread_replies",
    "reactions",
    "quiz_answers",
    "quiz_correct",
    "commands",
)


class DailyKey(NamedTuple):
    """The key of one daily row: a member's counts in a channel on a local day."""

    day: str
    platform: str
    group_id: str
    channel_id: str
    user_id: str
    book_id: str
    chapter: int  # the plan's chapter at the time; 0 when no plan was set


# The columns in the order of DailyKey's fields, then COUNTERS.
UPSERT = (
    "INSERT INTO activity_daily (day, platform, group_id, channel_id, user_id, book_id, "
    "chapter, messages, thread_replies, reactions, quiz_answers, quiz_correct, commands) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (platform, group_id, day, user_id, channel_id, book_id, chapter) DO UPDATE SET "
    "messages = activity_daily.messages + excluded.messages, "
    "thread_replies = activity_daily.thread_replies + excluded.thread_replies, "
    "reactions = activity_daily.reactions + excluded.reactions, "
    "quiz_answers = activity_daily.quiz_answers + excluded.quiz_answers, "
    "quiz_correct = activity_daily.quiz_correct + excluded.quiz_correct, "
    "commands = activity_daily.commands + excluded.commands"
)

MEMBER_INSERT = (
    "INSERT INTO activity_members (platform, group_id, user_id) VALUES (?, ?, ?) "
    "ON CONFLICT (platform, group_id, user_id) DO NOTHING"
)

NAME_UPSERT = (
    "INSERT INTO participants (platform, user_id, display_name) VALUES (?, ?, ?) "
    "ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name"
)


def total_of(row: DailyRow | DayCounts) -> int:
    """Everything counted (a correct answer is already an answer, so it is not added)."""
    return row.messages + row.thread_replies + row.reactions + row.quiz_answers + row.commands


@dataclass(frozen=True)
class DailyRow:
    day: str
    platform: str
    group_id: str
    channel_id: str
    user_id: str
    display_name: str
    book_id: str | None
    chapter: int | None
    messages: int
    thread_replies: int
    reactions: int
    quiz_answers: int
    quiz_correct: int
    commands: int

    @property
    def total(self) -> int:
        """Everything a member did that day (a correct answer is already an answer)."""
        return total_of(self)

    @classmethod
    def from_row(cls, row: Row) -> DailyRow:
        return cls(
            day=row["day"],
            platform=row["platform"],
            group_id=row["group_id"],
            channel_id=row["channel_id"],
            user_id=row["user_id"],
            display_name=row["display_name"] or row["user_id"],
            book_id=row["book_id"],
            chapter=row["chapter"] or None,
            **{c: int(row[c]) for c in COUNTERS},
        )


@dataclass(frozen=True)
class DayCounts:
    """A day's counts summed by the database: a group's (with `active`, the members with
    anything counted that day) or one member's."""

    day: str
    messages: int
    thread_replies: int
    reactions: int
    quiz_answers: int
    quiz_correct: int
    commands: int
    active: int = 0

    @property
    def total(self) -> int:
        return total_of(self)


@dataclass(frozen=True)
class TopMember:
    """A member near the top of a period's ranking, as the database sums them."""

    user_id: str
    display_name: str
    first_day: str  # the member's first day in the period: old ties kept their order
    messages: int
    thread_replies: int
    reactions: int


@dataclass(frozen=True)
class PeriodMembers:
    """Per member over a period, summed by the database: how many did anything, how many
    sent commands, and the members placed `limit` or better by messages, replies and
    reactions (ties at the last place included)."""

    active: int
    commanders: int
    top: list[TopMember]


@dataclass(frozen=True)
class Participant:
    user_id: str
    display_name: str


@dataclass(frozen=True)
class Kept:
    """What is kept about a member on a platform, for `privacy show`."""

    daily_rows: int
    first_day: str | None
    last_day: str | None
    groups: int
    display_name: str | None


SUMS = (
    "SUM(messages), SUM(thread_replies), SUM(reactions), SUM(quiz_answers), "
    "SUM(quiz_correct), SUM(commands)"
)

MEMBER_DAYS = (
    f"SELECT day, {SUMS} FROM activity_daily "  # noqa: S608 (fixed text)
    "WHERE platform = ? AND group_id = ? AND user_id = ? GROUP BY day ORDER BY day"
)

DAILY_SELECT = (
    "SELECT a.*, p.display_name FROM activity_daily a "
    "LEFT JOIN participants p ON p.platform = a.platform AND p.user_id = a.user_id "
)


def chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """`values` in slices small enough for one statement's parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class ParticipationRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def transaction(self) -> Any:
        """`async with repo.transaction():` what the recorder reads and writes for one batch."""
        return self.db.transaction()

    async def adopt_legacy(self, book_id: str) -> int:
        """Attach daily rows written before books were kept (NULL book) to `book_id`."""
        count: int = await self.db.execute(
            "UPDATE activity_daily SET book_id = ? WHERE book_id IS NULL", (book_id,)
        )
        return count

    # -- the recorder's batch -------------------------------------------------------------

    async def write_batch(
        self,
        counts: Iterable[tuple[DailyKey, Sequence[int]]],
        names: Mapping[MemberRef, str],
    ) -> None:
        """Add counts to the daily rows and keep members' latest names, in one transaction."""
        rows = [(*key, *values) for key, values in counts]
        named = [(m.platform, m.user_id, name) for m, name in names.items()]
        members = sorted({(r[1], r[2], r[4]) for r in rows})
        async with self.db.transaction():
            await sums.add(self.db, rows)  # before the rows: it asks what they counted so far
            await self.db.executemany(UPSERT, rows)
            await self.db.executemany(MEMBER_INSERT, members)
            await self.db.executemany(NAME_UPSERT, named)

    # -- reading the daily rows -----------------------------------------------------------

    async def daily(
        self,
        group: GroupRef,
        first_day: str | None = None,
        last_day: str | None = None,
        user_id: str | None = None,
    ) -> list[DailyRow]:
        sql = DAILY_SELECT + "WHERE a.platform = ? AND a.group_id = ?"
        params: list[str] = [group.platform, group.group_id]
        if first_day is not None:
            sql += " AND a.day >= ?"
            params.append(first_day)
        if last_day is not None:
            sql += " AND a.day <= ?"
            params.append(last_day)
        if user_id is not None:
            sql += " AND a.user_id = ?"
            params.append(user_id)
        sql += " ORDER BY a.day, a.user_id, a.channel_id, a.book_id, a.chapter"
        return [DailyRow.from_row(r) for r in await self.db.fetch(sql, params)]

    async def group_days(self, group: GroupRef, first_day: str, last_day: str) -> list[DayCounts]:
        """The group's counts per day of the period (days with rows only)."""
        rows = await self.db.fetch(
            sums.GROUP_DAYS, (group.platform, group.group_id, first_day, last_day)
        )
        return [DayCounts(str(r[0]), *(int(r[i]) for i in range(1, 8))) for r in rows]

    async def member_days(self, group: GroupRef, user_id: str) -> list[DayCounts]:
        """One member's counts per day in the group (days with rows only)."""
        rows = await self.db.fetch(MEMBER_DAYS, (group.platform, group.group_id, user_id))
        return [DayCounts(str(r[0]), *(int(r[i]) for i in range(1, 7))) for r in rows]

    async def period_members(
        self, group: GroupRef, first_day: str, last_day: str, limit: int
    ) -> PeriodMembers:
        kept = await self.kept_days(group)
        split = sums.Split.of(date.fromisoformat(first_day), date.fromisoformat(last_day), kept)
        where = (group.platform, group.group_id)
        rows = await self.db.fetch(
            sums.PERIOD_MEMBERS,
            (
                *where,
                *split.months,
                *where,
                *split.head,
                *where,
                *split.tail,
                group.platform,
                limit,
            ),
        )
        if not rows:
            return PeriodMembers(0, 0, [])
        top = [
            TopMember(str(r[0]), str(r[1] or r[0]), str(r[2]), int(r[3]), int(r[4]), int(r[5]))
            for r in rows
            if int(r[8]) <= limit and int(r[3]) + int(r[4]) + int(r[5]) > 0
        ]
        return PeriodMembers(int(rows[0][6]), int(rows[0][7]), top)

    async def kept_days(self, group: GroupRef) -> tuple[date, date] | None:
        """The group's first and last day with daily rows (None without any)."""
        row = await self.db.fetchrow(
            "SELECT MIN(day), MAX(day) FROM activity_daily WHERE platform = ? AND group_id = ?",
            (group.platform, group.group_id),
        )
        if row is None or row[0] is None:
            return None
        return date.fromisoformat(str(row[0])), date.fromisoformat(str(row[1]))

    async def first_day(self, group: GroupRef) -> str | None:
        row = await self.db.fetchrow(
            "SELECT MIN(day) FROM activity_daily WHERE platform = ? AND group_id = ?",
            (group.platform, group.group_id),
        )
        return str(row[0]) if row and row[0] is not None else None

    async def active_members(self, group: GroupRef) -> set[str]:
        """The user ids with activity kept in a group (from the members' table, not the
        history)."""
        return {
            str(r[0])
            for r in await self.db.fetch(
                "SELECT user_id FROM activity_members WHERE platform = ? AND group_id = ?",
                (group.platform, group.group_id),
            )
        }

    async def member_count(self, group: GroupRef, also: Iterable[str] = ()) -> int:
        """How many members have activity kept in a group, counting `also` (other user ids,
        e.g. those with check-ins) once each."""
        kept = int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM activity_members WHERE platform = ? AND group_id = ?",
                (group.platform, group.group_id),
            )
        )
        others = sorted(set(also))
        for chunk in chunks(others):
            marks = ", ".join("?" for _ in chunk)
            found = await self.db.fetchval(
                "SELECT COUNT(*) FROM activity_members "  # noqa: S608 (only ? marks)
                f"WHERE platform = ? AND group_id = ? AND user_id IN ({marks})",
                (group.platform, group.group_id, *chunk),
            )
            kept += len(chunk) - int(found)
        return kept

    async def members_named(self, group: GroupRef) -> dict[str, str]:
        """The group's members with activity kept and their latest names (the id when no
        name is kept)."""
        rows = await self.db.fetch(
            "SELECT m.user_id, p.display_name FROM activity_members m "
            "LEFT JOIN participants p ON p.platform = m.platform AND p.user_id = m.user_id "
            "WHERE m.platform = ? AND m.group_id = ?",
            (group.platform, group.group_id),
        )
        return {str(r[0]): str(r[1] or r[0]) for r in rows}

    async def names(self, platform: str, user_ids: Iterable[str]) -> dict[str, str]:
        """The latest display names of these members (those that have one kept)."""
        wanted = sorted(set(user_ids))
        found: dict[str, str] = {}
        for chunk in chunks(wanted):
            marks = ", ".join("?" for _ in chunk)
            rows = await self.db.fetch(
                "SELECT user_id, display_name FROM participants "  # noqa: S608 (only ? marks)
                f"WHERE platform = ? AND user_id IN ({marks})",
                (platform, *chunk),
            )
            found.update((r["user_id"], r["display_name"]) for r in rows)
        return found

    async def delete_before(self, day: str) -> int:
        """Delete the daily rows before `day`, and the members left with none, in one
        transaction."""
        async with self.db.transaction():
            count: int = await self.db.execute("DELETE FROM activity_daily WHERE day < ?", (day,))
            if count:
                await sums.cut_before(self.db, day)
                await self.db.execute(
                    "DELETE FROM activity_members WHERE NOT EXISTS (SELECT 1 FROM activity_daily a "
                    "WHERE a.platform = activity_members.platform "
                    "AND a.group_id = activity_members.group_id "
                    "AND a.user_id = activity_members.user_id)"
                )
        return count

    # -- one member's data (privacy) --------------------------------------------------------

    async def kept_about(self, member: MemberRef) -> Kept:
        found = await self.db.fetchrow(
            "SELECT COUNT(*), MIN(day), MAX(day), COUNT(DISTINCT group_id) FROM activity_daily "
            "WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        name = await self.db.fetchrow(
            "SELECT display_name FROM participants WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return Kept(
            daily_rows=int(found[0]) if found else 0,
            first_day=found[1] if found else None,
            last_day=found[2] if found else None,
            groups=int(found[3]) if found else 0,
            display_name=name[0] if name else None,
        )

    async def delete_member(self, member: MemberRef) -> None:
        """Delete a member's daily rows and name, in one transaction."""
        async with self.db.transaction():
            days = await sums.days_of(self.db, member.platform, member.user_id)
            for table in ("activity_daily", "activity_members", "participants"):
                await self.db.execute(
                    f"DELETE FROM {table} WHERE platform = ? AND user_id = ?",  # noqa: S608 (fixed table names)
                    (member.platform, member.user_id),
                )
            await sums.member_deleted(self.db, member.platform, member.user_id, days)
