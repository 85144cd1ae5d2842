"""The group_books table: one row per group that has chosen a book."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.refs import GroupRef, MemberRef
from bot.features.books.model import Choice
from bot.storage.db import Database, Row


def _choice(row: Row) -> Choice:
    return Choice(
        group=GroupRef(row["platform"], row["group_id"]),
        book_id=row["book_id"],
        chosen_by=row["chosen_by"],
        chosen_at=datetime.fromisoformat(row["chosen_at"]),
    )


class BooksRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, group: GroupRef) -> Choice | None:
        row = await self.db.fetchrow(
            "SELECT platform, group_id, book_id, chosen_by, chosen_at FROM group_books "
            "WHERE platform = ? AND group_id = ?",
            (group.platform, group.group_id),
        )
        return _choice(row) if row is not None else None

    async def choose(
        self, group: GroupRef, book_id: str, chosen_by: MemberRef, at: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO group_books (platform, group_id, book_id, chosen_by, chosen_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, group_id) DO UPDATE SET "
            "book_id = excluded.book_id, chosen_by = excluded.chosen_by, "
            "chosen_at = excluded.chosen_at",
            (
                group.platform,
                group.group_id,
                book_id,
                chosen_by.user_id,
                at.astimezone(UTC).isoformat(),
            ),
        )

    async def chosen_by(self, member: MemberRef) -> int:
        """How many groups' books the member chose (and is still named for)."""
        count = await self.db.fetchval(
            "SELECT COUNT(*) FROM group_books WHERE platform = ? AND chosen_by = ?",
            (member.platform, member.user_id),
        )
        return int(count or 0)

    async def forget(self, member: MemberRef) -> None:
        """The groups keep their books; the member is no longer named as who chose them."""
        await self.db.execute(
            "UPDATE group_books SET chosen_by = NULL WHERE platform = ? AND chosen_by = ?",
            (member.platform, member.user_id),
        )
