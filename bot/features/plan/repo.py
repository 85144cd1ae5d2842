"""Reading plans and check-ins, per group and book. Plain SQL with ? parameters; rows
become dataclasses. The latest plan row of a group and book is its current plan (a row
with no chapter: the plan was cleared)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.refs import GroupRef, MemberRef
from bot.storage.db import Database, Row


@dataclass(frozen=True)
class Plan:
    group: GroupRef
    book_id: str
    chapter: int | None
    due: str | None
    set_at: str

    @classmethod
    def from_row(cls, row: Row) -> Plan:
        return cls(
            GroupRef(row["platform"], row["group_id"]),
            row["book_id"],
            row["chapter"],
            row["due"],
            row["set_at"],
        )


@dataclass(frozen=True)
class CheckIn:
    user_id: str
    book_id: str
    chapter: int
    day: str

    @classmethod
    def from_row(cls, row: Row) -> CheckIn:
        return cls(row["user_id"], row["book_id"], int(row["chapter"]), row["day"])


CHECKIN_COLUMNS = "user_id, book_id, chapter, day"


class PlanRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def adopt_legacy(self, book_id: str) -> int:
        """Attach plans and check-ins made before books were kept (NULL book) to `book_id`."""
        async with self.db.transaction():
            plans: int = await self.db.execute(
                "UPDATE reading_plans SET book_id = ? WHERE book_id IS NULL", (book_id,)
            )
            checkins: int = await self.db.execute(
                "UPDATE reading_checkins SET book_id = ? WHERE book_id IS NULL", (book_id,)
            )
        return plans + checkins

    # -- plans ----------------------------------------------------------------------------

    async def add_plan(self, plan: Plan) -> None:
        await self.db.execute(
            "INSERT INTO reading_plans (platform, group_id, book_id, chapter, due, set_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                plan.group.platform,
                plan.group.group_id,
                plan.book_id,
                plan.chapter,
                plan.due,
                plan.set_at,
            ),
        )

    async def current_plan(self, group: GroupRef, book_id: str) -> Plan | None:
        """The latest plan row of the group for the book (its chapter is None when cleared)."""
        row = await self.db.fetchrow(
            "SELECT * FROM reading_plans WHERE platform = ? AND group_id = ? AND book_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (group.platform, group.group_id, book_id),
        )
        return Plan.from_row(row) if row is not None else None

    async def plan_history(self, group: GroupRef, book_id: str) -> list[Plan]:
        return [
            Plan.from_row(r)
            for r in await self.db.fetch(
                "SELECT * FROM reading_plans WHERE platform = ? AND group_id = ? AND book_id = ? "
                "ORDER BY id",
                (group.platform, group.group_id, book_id),
            )
        ]

    # -- check-ins ------------------------------------------------------------------------

    async def check_in(
        self, group: GroupRef, book_id: str, user_id: str, chapter: int, day: str, at: str
    ) -> CheckIn | None:
        """Record a check-in; returns the earlier one instead when there was one.

        One statement decides, so two processes checking the same member in cannot both
        record it."""
        added = await self.db.execute(
            "INSERT INTO reading_checkins (platform, group_id, user_id, book_id, chapter, day, "
            "at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, group_id, user_id, book_id, chapter) DO NOTHING",
            (group.platform, group.group_id, user_id, book_id, chapter, day, at),
        )
        if added:
            return None
        row = await self.db.fetchrow(
            f"SELECT {CHECKIN_COLUMNS} FROM reading_checkins "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND group_id = ? AND user_id = ? AND book_id = ? AND chapter = ?",
            (group.platform, group.group_id, user_id, book_id, chapter),
        )
        return CheckIn.from_row(row) if row is not None else None

    async def checkins(
        self, group: GroupRef, book_id: str, user_id: str | None = None
    ) -> list[CheckIn]:
        sql = (
            f"SELECT {CHECKIN_COLUMNS} FROM reading_checkins "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND group_id = ? AND book_id = ?"
        )
        params = [group.platform, group.group_id, book_id]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        return [
            CheckIn.from_row(r) for r in await self.db.fetch(sql + " ORDER BY day, chapter", params)
        ]

    async def last_check_in(self, group: GroupRef, book_id: str, user_id: str) -> int | None:
        """The chapter of the member's latest check-in for the book."""
        value = await self.db.fetchval(
            "SELECT chapter FROM reading_checkins "
            "WHERE platform = ? AND group_id = ? AND book_id = ? AND user_id = ? "
            "ORDER BY at DESC, chapter DESC LIMIT 1",
            (group.platform, group.group_id, book_id, user_id),
        )
        return int(value) if value is not None else None

    async def checked_in_members(self, group: GroupRef) -> set[str]:
        """Members with a check-in in the group, for any book."""
        return {
            str(r[0])
            for r in await self.db.fetch(
                "SELECT DISTINCT user_id FROM reading_checkins WHERE platform = ? AND group_id = ?",
                (group.platform, group.group_id),
            )
        }

    # -- one member's data (privacy) --------------------------------------------------------

    async def member_checkins(self, member: MemberRef) -> list[CheckIn]:
        """A member's check-ins in every group of the platform."""
        return [
            CheckIn.from_row(r)
            for r in await self.db.fetch(
                f"SELECT {CHECKIN_COLUMNS} FROM reading_checkins "  # noqa: S608 (fixed columns)
                "WHERE platform = ? AND user_id = ? ORDER BY book_id, chapter",
                (member.platform, member.user_id),
            )
        ]

    async def delete_member(self, member: MemberRef) -> None:
        await self.db.execute(
            "DELETE FROM reading_checkins WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
