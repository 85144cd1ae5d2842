"""The review tables: members' items with their schedule, the item each member is being
shown, and who asked for a daily reminder. Times are seconds since the epoch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.refs import MemberRef, Place
from bot.features.review.model import ReviewItem, card_from_json, item_from_json
from bot.storage.db import Database, Row

_COLUMNS = "platform, user_id, book_id, chapter, item, card, reviews, lapses, added_at"


def epoch(when: datetime) -> int:
    return int(when.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _item(row: Row) -> ReviewItem:
    return ReviewItem(
        member=MemberRef(row[0], row[1]),
        book_id=row[2],
        chapter=row[3],
        item=item_from_json(row[4]),
        card=card_from_json(row[5]),
        reviews=int(row[6]),
        lapses=int(row[7]),
        added_at=from_epoch(int(row[8])),
    )


@dataclass(frozen=True)
class Shown:
    """The item a member was shown last and has not answered yet."""

    book_id: str
    item_id: str
    token: str


@dataclass(frozen=True)
class Reminder:
    member: MemberRef
    place: Place
    next_at: int


class ReviewRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- items ---------------------------------------------------------------------------

    async def get(self, member: MemberRef, book_id: str, item_id: str) -> ReviewItem | None:
        row = await self.db.fetchrow(
            f"SELECT {_COLUMNS} FROM review_items "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND user_id = ? AND book_id = ? AND item_id = ?",
            (member.platform, member.user_id, book_id, item_id),
        )
        return _item(row) if row else None

    async def save(self, item: ReviewItem) -> None:
        await self.db.execute(
            "INSERT INTO review_items (platform, user_id, book_id, item_id, chapter, item, "
            "card, due, reviews, lapses, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, user_id, book_id, item_id) DO UPDATE SET "
            "chapter = excluded.chapter, item = excluded.item, card = excluded.card, "
            "due = excluded.due, reviews = excluded.reviews, lapses = excluded.lapses",
            (
                item.member.platform,
                item.member.user_id,
                item.book_id,
                item.item.id,
                item.chapter,
                item.item_json(),
                item.card_json(),
                epoch(item.due),
                item.reviews,
                item.lapses,
                epoch(item.added_at),
            ),
        )

    async def due(self, member: MemberRef, before: datetime) -> list[ReviewItem]:
        """The member's items due before `before`, the longest due first."""
        rows = await self.db.fetch(
            f"SELECT {_COLUMNS} FROM review_items WHERE platform = ? AND user_id = ? "  # noqa: S608 (fixed columns)
            "AND due < ? ORDER BY due, book_id, item_id",
            (member.platform, member.user_id, epoch(before)),
        )
        return [_item(r) for r in rows]

    async def all(self, member: MemberRef) -> list[ReviewItem]:
        rows = await self.db.fetch(
            f"SELECT {_COLUMNS} FROM review_items WHERE platform = ? AND user_id = ? "  # noqa: S608 (fixed columns)
            "ORDER BY book_id, chapter, item_id",
            (member.platform, member.user_id),
        )
        return [_item(r) for r in rows]

    async def count_due(self, member: MemberRef, before: datetime) -> int:
        value = await self.db.fetchval(
            "SELECT COUNT(*) FROM review_items WHERE platform = ? AND user_id = ? AND due < ?",
            (member.platform, member.user_id, epoch(before)),
        )
        return int(value or 0)

    async def next_due(self, member: MemberRef) -> datetime | None:
        value = await self.db.fetchval(
            "SELECT MIN(due) FROM review_items WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return from_epoch(int(value)) if value is not None else None

    # -- the item shown ------------------------------------------------------------------

    async def shown(self, member: MemberRef) -> Shown | None:
        row = await self.db.fetchrow(
            "SELECT book_id, item_id, token FROM review_shown WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return Shown(row[0], row[1], row[2]) if row else None

    async def show(self, member: MemberRef, item: ReviewItem, token: str) -> None:
        await self.db.execute(
            "INSERT INTO review_shown (platform, user_id, book_id, item_id, token) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "book_id = excluded.book_id, item_id = excluded.item_id, token = excluded.token",
            (member.platform, member.user_id, item.book_id, item.item.id, token),
        )

    async def answered(self, member: MemberRef, token: str) -> bool:
        """Take the shown item off (True), unless another answer took it first."""
        done = await self.db.execute(
            "DELETE FROM review_shown WHERE platform = ? AND user_id = ? AND token = ?",
            (member.platform, member.user_id, token),
        )
        return done > 0

    # -- reminders -----------------------------------------------------------------------

    async def reminder(self, member: MemberRef) -> Reminder | None:
        row = await self.db.fetchrow(
            "SELECT platform, user_id, group_id, channel_id, thread_id, next_at "
            "FROM review_reminders WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return _reminder(row) if row else None

    async def set_reminder(self, member: MemberRef, place: Place, next_at: int) -> None:
        await self.db.execute(
            "INSERT INTO review_reminders (platform, user_id, group_id, channel_id, thread_id, "
            "next_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "group_id = excluded.group_id, channel_id = excluded.channel_id, "
            "thread_id = excluded.thread_id, next_at = excluded.next_at",
            (member.platform, member.user_id, place.group_id, place.channel_id,
             place.thread_id, next_at),
        )  # fmt: skip

    async def drop_reminder(self, member: MemberRef) -> bool:
        done = await self.db.execute(
            "DELETE FROM review_reminders WHERE platform = ? AND user_id = ?",
            (member.platform, member.user_id),
        )
        return done > 0

    async def reminders_due(self, now: int) -> list[Reminder]:
        rows = await self.db.fetch(
            "SELECT platform, user_id, group_id, channel_id, thread_id, next_at "
            "FROM review_reminders WHERE next_at <= ? ORDER BY next_at, platform, user_id",
            (now,),
        )
        return [_reminder(r) for r in rows]

    async def next_reminder(self) -> int | None:
        value = await self.db.fetchval("SELECT MIN(next_at) FROM review_reminders")
        return int(value) if value is not None else None

    async def claim_reminder(self, reminder: Reminder, next_at: int) -> bool:
        """Move a due reminder to its next time; only one process wins the claim."""
        done = await self.db.execute(
            "UPDATE review_reminders SET next_at = ? "
            "WHERE platform = ? AND user_id = ? AND next_at = ?",
            (next_at, reminder.member.platform, reminder.member.user_id, reminder.next_at),
        )
        return done > 0

    # -- privacy -------------------------------------------------------------------------

    async def forget(self, member: MemberRef) -> None:
        for table in ("review_items", "review_shown", "review_reminders"):
            await self.db.execute(
                f"DELETE FROM {table} WHERE platform = ? AND user_id = ?",  # noqa: S608 (a fixed table name)
                (member.platform, member.user_id),
            )


def _reminder(row: Row) -> Reminder:
    place = Place(row[0], row[2], row[3], row[4])
    return Reminder(MemberRef(row[0], row[1]), place, int(row[5]))
