"""Participation storage: daily activity counts and members' names. Plain SQL with ?
parameters; rows become dataclasses. Days are ISO dates ("2026-11-20") in the bot's
timezone, so they sort and compare as text. A daily row belongs to the book its group read
that day and the plan's chapter (0: no plan was set)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.core.refs import GroupRef, MemberRef
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

NAME_UPSERT = (
    "INSERT INTO participants (platform, user_id, display_name) VALUES (?, ?, ?) "
    "ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name"
)


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
        return (
            self.messages + self.thread_replies + self.reactions + self.quiz_answers + self.commands
        )

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


DAILY_SELECT = (
    "SELECT a.*, p.display_name FROM activity_daily a "
    "LEFT JOIN participants p ON p.platform = a.platform AND p.user_id = a.user_id "
)


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
        async with self.db.transaction():
            await self.db.executemany(UPSERT, rows)
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

    async def first_day(self, group: GroupRef) -> str | None:
        row = await self.db.fetchrow(
            "SELECT MIN(day) FROM activity_daily WHERE platform = ? AND group_id = ?",
            (group.platform, group.group_id),
        )
        return str(row[0]) if row and row[0] is not None else None

    async def active_members(self, group: GroupRef) -> set[str]:
        """The user ids with activity kept in a group."""
        return {
            str(r[0])
            for r in await self.db.fetch(
                "SELECT DISTINCT user_id FROM activity_daily WHERE platform = ? AND group_id = ?",
                (group.platform, group.group_id),
            )
        }

    async def names(self, platform: str, user_ids: Iterable[str]) -> dict[str, str]:
        """The latest display names of these members (those that have one kept)."""
        wanted = sorted(set(user_ids))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = await self.db.fetch(
                "SELECT user_id, display_name FROM participants "  # noqa: S608 (only ? marks)
                f"WHERE platform = ? AND user_id IN ({marks})",
                (platform, *chunk),
            )
            found.update((r["user_id"], r["display_name"]) for r in rows)
        return found

    async def delete_before(self, day: str) -> int:
        count: int = await self.db.execute("DELETE FROM activity_daily WHERE day < ?", (day,))
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
            for table in ("activity_daily", "participants"):
                await self.db.execute(
                    f"DELETE FROM {table} WHERE platform = ? AND user_id = ?",  # noqa: S608 (fixed table names)
                    (member.platform, member.user_id),
                )
