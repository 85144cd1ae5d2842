"""Chapter threads, polls, votes and per-member counts. Plain SQL with ? parameters."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from bot.core.refs import GroupRef, MemberRef, Place
from bot.features.chapters.model import ChapterThread, Poll, place_key
from bot.storage.db import Database

THREAD_COLUMNS = (
    "id, platform, group_id, channel_id, book_id, chapter, thread_channel, thread_id, link, "
    "opened_at, closed_at"
)
POLL_COLUMNS = (
    "id, platform, group_id, channel_id, thread_id, poll_id, thread, kind, question, options, "
    "created_at, ends_at, ended_at"
)


class ChaptersRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- threads ----------------------------------------------------------------------

    async def claim(self, place: Place, book_id: str, chapter: int, at: int) -> int | None:
        """Claim the chapter's thread for this group; its row id, or None when it has one."""
        row = await self.db.fetchrow(
            "INSERT INTO chapter_threads (platform, group_id, channel_id, book_id, chapter, "
            "opened_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, group_id, book_id, chapter) DO NOTHING RETURNING id",
            (place.platform, place.group_id, place.channel_id, book_id, chapter, at),
        )
        return int(row["id"]) if row is not None else None

    async def opened(self, row_id: int, thread: Place, link: str) -> None:
        await self.db.execute(
            "UPDATE chapter_threads SET thread_key = ?, thread_channel = ?, thread_id = ?, "
            "link = ? WHERE id = ?",
            (place_key(thread), thread.channel_id, thread.thread_id, link, row_id),
        )

    async def unclaim(self, row_id: int) -> None:
        await self.db.execute("DELETE FROM chapter_threads WHERE id = ?", (row_id,))

    async def thread(self, group: GroupRef, book_id: str, chapter: int) -> ChapterThread | None:
        row = await self.db.fetchrow(
            f"SELECT {THREAD_COLUMNS} FROM chapter_threads "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND group_id = ? AND book_id = ? AND chapter = ?",
            (group.platform, group.group_id, book_id, chapter),
        )
        return ChapterThread.from_row(row) if row is not None else None

    async def thread_by_id(self, row_id: int) -> ChapterThread | None:
        row = await self.db.fetchrow(
            f"SELECT {THREAD_COLUMNS} FROM chapter_threads WHERE id = ?",  # noqa: S608
            (row_id,),
        )
        return ChapterThread.from_row(row) if row is not None else None

    async def thread_at(self, place: Place) -> ChapterThread | None:
        """The open chapter thread a message in this place belongs to (the latest opened)."""
        row = await self.db.fetchrow(
            f"SELECT {THREAD_COLUMNS} FROM chapter_threads "  # noqa: S608 (fixed columns)
            "WHERE thread_key = ? AND closed_at IS NULL ORDER BY opened_at DESC, id DESC",
            (place_key(place),),
        )
        return ChapterThread.from_row(row) if row is not None else None

    async def close(self, row_id: int, at: int) -> bool:
        changed = await self.db.execute(
            "UPDATE chapter_threads SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (at, row_id),
        )
        return bool(changed)

    async def open_thread_for(self, group: GroupRef, chapter: int, at: int) -> list[ChapterThread]:
        """The group's open threads of that chapter opened by `at` (any book)."""
        rows = await self.db.fetch(
            f"SELECT {THREAD_COLUMNS} FROM chapter_threads "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND group_id = ? AND chapter = ? AND opened_at <= ? "
            "AND closed_at IS NULL",
            (group.platform, group.group_id, chapter, at),
        )
        return [ChapterThread.from_row(r) for r in rows]

    # -- counts -----------------------------------------------------------------------

    async def add_counts(self, counts: Mapping[tuple[int, str], tuple[int, int, int]]) -> None:
        """Add (messages, answers, right answers) to each (thread, member)'s counts."""
        async with self.db.transaction():
            for (thread, user_id), (messages, answers, correct) in counts.items():
                await self.db.execute(
                    "INSERT INTO chapter_members (thread, user_id, messages, answers, correct) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (thread, user_id) DO UPDATE SET "
                    "messages = chapter_members.messages + excluded.messages, "
                    "answers = chapter_members.answers + excluded.answers, "
                    "correct = chapter_members.correct + excluded.correct",
                    (thread, user_id, messages, answers, correct),
                )

    async def counts(self, thread: int) -> dict[str, tuple[int, int, int]]:
        rows = await self.db.fetch(
            "SELECT user_id, messages, answers, correct FROM chapter_members WHERE thread = ?",
            (thread,),
        )
        return {
            r["user_id"]: (int(r["messages"]), int(r["answers"]), int(r["correct"])) for r in rows
        }

    # -- polls ------------------------------------------------------------------------

    async def add_poll(
        self,
        place: Place,
        poll_id: str | None,
        thread: int | None,
        kind: str,
        question: str,
        options: Iterable[str],
        created_at: int,
        ends_at: int,
    ) -> int:
        row_id = await self.db.fetchval(
            "INSERT INTO chapter_polls (platform, group_id, channel_id, thread_id, poll_id, "
            "thread, kind, question, options, created_at, ends_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                place.platform,
                place.group_id,
                place.channel_id,
                place.thread_id,
                poll_id,
                thread,
                kind,
                question,
                json.dumps(list(options)),
                created_at,
                ends_at,
            ),
        )
        return int(row_id)

    async def poll(self, row_id: int) -> Poll | None:
        row = await self.db.fetchrow(
            f"SELECT {POLL_COLUMNS} FROM chapter_polls WHERE id = ?",  # noqa: S608
            (row_id,),
        )
        return Poll.from_row(row) if row is not None else None

    async def poll_by_platform_id(self, platform: str, poll_id: str) -> Poll | None:
        row = await self.db.fetchrow(
            f"SELECT {POLL_COLUMNS} FROM chapter_polls "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND poll_id = ?",
            (platform, poll_id),
        )
        return Poll.from_row(row) if row is not None else None

    async def latest_open_poll(self, place: Place) -> Poll | None:
        """The last poll still open in the place's channel (the console's `vote`)."""
        row = await self.db.fetchrow(
            f"SELECT {POLL_COLUMNS} FROM chapter_polls "  # noqa: S608 (fixed columns)
            "WHERE platform = ? AND group_id = ? AND channel_id = ? AND ended_at IS NULL "
            "ORDER BY id DESC",
            (place.platform, place.group_id, place.channel_id),
        )
        return Poll.from_row(row) if row is not None else None

    async def open_polls(self) -> list[Poll]:
        rows = await self.db.fetch(
            f"SELECT {POLL_COLUMNS} FROM chapter_polls "  # noqa: S608 (fixed columns)
            "WHERE ended_at IS NULL ORDER BY ends_at",
        )
        return [Poll.from_row(r) for r in rows]

    async def thread_polls(self, thread: int) -> list[Poll]:
        rows = await self.db.fetch(
            f"SELECT {POLL_COLUMNS} FROM chapter_polls "  # noqa: S608 (fixed columns)
            "WHERE thread = ? ORDER BY id",
            (thread,),
        )
        return [Poll.from_row(r) for r in rows]

    async def end_poll(self, row_id: int, at: int) -> bool:
        """Mark the poll ended; True for the one call that did (its results are posted)."""
        changed = await self.db.execute(
            "UPDATE chapter_polls SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
            (at, row_id),
        )
        return bool(changed)

    async def set_votes(
        self,
        poll: int,
        user_id: str,
        add: Iterable[int],
        remove: Iterable[int],
        replace: bool,
        at: int,
    ) -> None:
        async with self.db.transaction():
            if replace:
                await self.db.execute(
                    "DELETE FROM chapter_poll_votes WHERE poll = ? AND user_id = ?",
                    (poll, user_id),
                )
            for choice in remove:
                await self.db.execute(
                    "DELETE FROM chapter_poll_votes WHERE poll = ? AND user_id = ? AND choice = ?",
                    (poll, user_id, choice),
                )
            for choice in add:
                await self.db.execute(
                    "INSERT INTO chapter_poll_votes (poll, user_id, choice, at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (poll, user_id, choice) DO NOTHING",
                    (poll, user_id, choice, at),
                )

    async def votes(self, poll: int) -> list[tuple[str, int]]:
        rows = await self.db.fetch(
            "SELECT user_id, choice FROM chapter_poll_votes WHERE poll = ? ORDER BY user_id, choice",
            (poll,),
        )
        return [(r["user_id"], int(r["choice"])) for r in rows]

    # -- members ----------------------------------------------------------------------

    async def member_counts(self, member: MemberRef) -> tuple[int, int]:
        """(chapters with counts, polls voted in) kept about the member."""
        threads = await self.db.fetchval(
            "SELECT COUNT(*) FROM chapter_members m JOIN chapter_threads t ON t.id = m.thread "
            "WHERE t.platform = ? AND m.user_id = ?",
            (member.platform, member.user_id),
        )
        polls = await self.db.fetchval(
            "SELECT COUNT(DISTINCT v.poll) FROM chapter_poll_votes v "
            "JOIN chapter_polls p ON p.id = v.poll WHERE p.platform = ? AND v.user_id = ?",
            (member.platform, member.user_id),
        )
        return int(threads or 0), int(polls or 0)

    async def delete_member(self, member: MemberRef) -> None:
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM chapter_members WHERE user_id = ? AND thread IN "
                "(SELECT id FROM chapter_threads WHERE platform = ?)",
                (member.user_id, member.platform),
            )
            await self.db.execute(
                "DELETE FROM chapter_poll_votes WHERE user_id = ? AND poll IN "
                "(SELECT id FROM chapter_polls WHERE platform = ?)",
                (member.user_id, member.platform),
            )
