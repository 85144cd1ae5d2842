"""Participation storage: daily activity counts, members' names, reading plans, check-ins
and opt-outs. Plain SQL with ? parameters; rows become dataclasses. Days are ISO dates
("2026-11-20") in the bot's timezone, so they sort and compare as text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.storage.db import Database, Row

COUNTERS = (
    "messages",
    "thread_replies",
    "reactions",
    "quiz_answers",
    "quiz_correct",
    "commands",
)

# (day, platform, group_id, channel_id, user_id, chapter)
DailyKey = tuple[str, str, str, str, str, int]

UPSERT = (
    "INSERT INTO activity_daily (day, platform, group_id, channel_id, user_id, chapter, "
    "messages, thread_replies, reactions, quiz_answers, quiz_correct, commands) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (platform, group_id, day, user_id, channel_id, chapter) DO UPDATE SET "
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
            chapter=row["chapter"] or None,
            **{c: int(row[c]) for c in COUNTERS},
        )


@dataclass(frozen=True)
class Plan:
    platform: str
    group_id: str
    chapter: int | None
    due: str | None
    set_at: str

    @classmethod
    def from_row(cls, row: Row) -> Plan:
        return cls(row["platform"], row["group_id"], row["chapter"], row["due"], row["set_at"])


@dataclass(frozen=True)
class CheckIn:
    user_id: str
    chapter: int
    day: str

    @classmethod
    def from_row(cls, row: Row) -> CheckIn:
        return cls(row["user_id"], int(row["chapter"]), row["day"])


@dataclass(frozen=True)
class Participant:
    user_id: str
    display_name: str


DAILY_SELECT = (
    "SELECT a.*, p.display_name FROM activity_daily a "
    "LEFT JOIN participants p ON p.platform = a.platform AND p.user_id = a.user_id "
)


class ParticipationRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the recorder's batch -------------------------------------------------------------

    async def write_batch(
        self,
        counts: Iterable[tuple[DailyKey, Sequence[int]]],
        names: Iterable[tuple[str, str, str]],
    ) -> None:
        """Add counts to the daily rows and keep members' latest names, in one transaction."""
        rows = [(*key, *values) for key, values in counts]
        async with self.db.transaction():
            await self.db.executemany(UPSERT, rows)
            await self.db.executemany(NAME_UPSERT, list(names))

    # -- reading the daily rows -----------------------------------------------------------

    async def daily(
        self,
        platform: str,
        group_id: str,
        first_day: str | None = None,
        last_day: str | None = None,
        user_id: str | None = None,
    ) -> list[DailyRow]:
        sql = DAILY_SELECT + "WHERE a.platform = ? AND a.group_id = ?"
        params: list[str] = [platform, group_id]
        if first_day is not None:
            sql += " AND a.day >= ?"
            params.append(first_day)
        if last_day is not None:
            sql += " AND a.day <= ?"
            params.append(last_day)
        if user_id is not None:
            sql += " AND a.user_id = ?"
            params.append(user_id)
        sql += " ORDER BY a.day, a.user_id, a.channel_id, a.chapter"
        return [DailyRow.from_row(r) for r in await self.db.fetch(sql, params)]

    async def first_day(self, platform: str, group_id: str) -> str | None:
        row = await self.db.fetchrow(
            "SELECT MIN(day) FROM activity_daily WHERE platform = ? AND group_id = ?",
            (platform, group_id),
        )
        return str(row[0]) if row and row[0] is not None else None

    async def members(self, platform: str, group_id: str) -> list[Participant]:
        """Members with activity or check-ins kept in a group, with their latest names."""
        return [
            Participant(r["user_id"], r["display_name"])
            for r in await self.db.fetch(
                "SELECT u.user_id, COALESCE(p.display_name, u.user_id) AS display_name FROM ("
                "SELECT user_id FROM activity_daily WHERE platform = ? AND group_id = ? "
                "UNION SELECT user_id FROM reading_checkins WHERE platform = ? AND group_id = ?"
                ") u LEFT JOIN participants p ON p.platform = ? AND p.user_id = u.user_id",
                (platform, group_id, platform, group_id, platform),
            )
        ]

    async def delete_before(self, day: str) -> int:
        count = await self.db.execute("DELETE FROM activity_daily WHERE day < ?", (day,))
        return count

    # -- one member's data (privacy) --------------------------------------------------------

    async def kept_about(self, platform: str, user_id: str) -> dict[str, object]:
        """What is kept about a member on a platform, for `privacy show`."""
        found = await self.db.fetchrow(
            "SELECT COUNT(*), MIN(day), MAX(day), COUNT(DISTINCT group_id) FROM activity_daily "
            "WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        rows, first, last, groups = (
            (found[0], found[1], found[2], found[3]) if found else (0, None, None, 0)
        )
        name = await self.db.fetchrow(
            "SELECT display_name FROM participants WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        chapters = [
            int(r[0])
            for r in await self.db.fetch(
                "SELECT chapter FROM reading_checkins WHERE platform = ? AND user_id = ? "
                "ORDER BY chapter",
                (platform, user_id),
            )
        ]
        return {
            "daily_rows": int(rows),
            "first_day": first,
            "last_day": last,
            "groups": int(groups),
            "display_name": name[0] if name else None,
            "checkins": chapters,
        }

    async def delete_member(self, platform: str, user_id: str) -> None:
        """Delete everything kept about a member except an opt-out, in one transaction."""
        async with self.db.transaction():
            for table in ("activity_daily", "reading_checkins", "participants"):
                await self.db.execute(
                    f"DELETE FROM {table} WHERE platform = ? AND user_id = ?",  # noqa: S608 (fixed table names)
                    (platform, user_id),
                )

    async def opt_outs(self) -> set[tuple[str, str]]:
        return {
            (r[0], r[1])
            for r in await self.db.fetch("SELECT platform, user_id FROM participation_optouts")
        }

    async def opt_out(self, platform: str, user_id: str, since: str) -> None:
        await self.db.execute(
            "INSERT INTO participation_optouts (platform, user_id, since) VALUES (?, ?, ?) "
            "ON CONFLICT (platform, user_id) DO NOTHING",
            (platform, user_id, since),
        )

    async def opt_in(self, platform: str, user_id: str) -> bool:
        count = await self.db.execute(
            "DELETE FROM participation_optouts WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return count > 0

    # -- reading plans and check-ins ----------------------------------------------------

    async def set_plan(
        self, platform: str, group_id: str, chapter: int | None, due: str | None, set_at: str
    ) -> None:
        await self.db.execute(
            "INSERT INTO reading_plans (platform, group_id, chapter, due, set_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (platform, group_id, chapter, due, set_at),
        )

    async def current_plans(self) -> list[Plan]:
        """The latest plan of every group."""
        return [
            Plan.from_row(r)
            for r in await self.db.fetch(
                "SELECT r.* FROM reading_plans r WHERE r.id = (SELECT MAX(id) FROM reading_plans q "
                "WHERE q.platform = r.platform AND q.group_id = r.group_id)"
            )
        ]

    async def plan_history(self, platform: str, group_id: str) -> list[Plan]:
        return [
            Plan.from_row(r)
            for r in await self.db.fetch(
                "SELECT * FROM reading_plans WHERE platform = ? AND group_id = ? ORDER BY id",
                (platform, group_id),
            )
        ]

    async def check_in(
        self, platform: str, group_id: str, user_id: str, chapter: int, day: str, at: str
    ) -> CheckIn | None:
        """Record a check-in; returns the earlier one instead when there was one."""
        row = await self.db.fetchrow(
            "SELECT user_id, chapter, day FROM reading_checkins "
            "WHERE platform = ? AND group_id = ? AND user_id = ? AND chapter = ?",
            (platform, group_id, user_id, chapter),
        )
        if row is not None:
            return CheckIn.from_row(row)
        await self.db.execute(
            "INSERT INTO reading_checkins (platform, group_id, user_id, chapter, day, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (platform, group_id, user_id, chapter, day, at),
        )
        return None

    async def checkins(
        self, platform: str, group_id: str, user_id: str | None = None
    ) -> list[CheckIn]:
        sql = (
            "SELECT user_id, chapter, day FROM reading_checkins WHERE platform = ? AND group_id = ?"
        )
        params = [platform, group_id]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        return [
            CheckIn.from_row(r) for r in await self.db.fetch(sql + " ORDER BY day, chapter", params)
        ]
