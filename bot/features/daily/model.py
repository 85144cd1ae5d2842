"""Daily quotes, the values: a schedule row, its settings, what a round plans and how a
post went. No I/O; the repository turns rows into these and back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from bot.core.refs import Place
from bot.storage.db import Row


class PostStatus(StrEnum):
    """A claimed day in `daily_posts`: claimed (being sent), then posted or failed; or
    skipped (too late to post)."""

    CLAIMED = "claimed"
    POSTED = "posted"
    SKIPPED = "skipped"
    FAILED = "failed"


class ScopeKind(StrEnum):
    ALL = "all"
    CURRENT = "current"  # the reading plan's chapter (all chapters without a plan)
    NUMBER = "number"  # one chapter


@dataclass(frozen=True)
class ChapterScope:
    """Which chapters a channel's quotes come from: all, the current one, or chapter N.
    Stored as its text: "all", "current" or the number."""

    kind: ScopeKind
    number: int | None = None

    @classmethod
    def parse(cls, raw: str) -> ChapterScope:
        word = raw.strip().lower()
        if word.isdigit():
            return cls(ScopeKind.NUMBER, int(word))
        if word in (ScopeKind.ALL, ScopeKind.CURRENT):
            return cls(ScopeKind(word))
        raise ValueError("expected a chapter number, current (the reading plan's) or all")

    def __str__(self) -> str:
        return str(self.number) if self.kind is ScopeKind.NUMBER else self.kind.value

    def describe(self) -> str:
        if self.kind is ScopeKind.ALL:
            return "all chapters"
        if self.kind is ScopeKind.CURRENT:
            return "the current chapter"
        return f"chapter {self.number}"


ALL_CHAPTERS = ChapterScope(ScopeKind.ALL)


def stored_scope(text: str) -> ChapterScope:
    """A stored setting; one no version wrote reads as all chapters (as before), so that
    one bad row cannot stop every schedule's round."""
    try:
        return ChapterScope.parse(text)
    except ValueError:
        return ALL_CHAPTERS


@dataclass(frozen=True)
class Settings:
    local_time: str
    timezone: str
    chapter: ChapterScope
    prompt: bool


@dataclass(frozen=True)
class DailyRow:
    """One place's schedule, its quote cycle and how its last post went.

    `seen` is the cycle of the book `book_id`: a cycle of another book does not count for
    the book the group reads now (None only before the feature adopted a legacy row)."""

    id: int
    place: Place
    book_id: str | None
    settings: Settings
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
            id=row["id"],
            place=Place(row["platform"], row["group_id"], row["channel_id"], row["thread_id"]),
            book_id=row["book_id"],
            settings=Settings(
                row["local_time"],
                row["timezone"],
                stored_scope(row["chapter"]),
                bool(row["prompt"]),
            ),
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

    def cycle(self, book_id: str) -> tuple[frozenset[str], str | None]:
        """The seen set and last quote of the cycle in `book_id` (empty: a new book)."""
        if self.book_id == book_id:
            return self.seen, self.last_quote_id
        return frozenset(), None


@dataclass(frozen=True)
class Plan:
    """What the scheduler means to do with one due row, decided before claiming it."""

    schedule_id: int
    version: int  # the version the plan was made from
    local_date: str
    next_due: int | None  # None: the stored schedule is unusable; it is turned off
    next_date: str | None
    status: PostStatus  # CLAIMED (to post), SKIPPED (too late) or FAILED (nothing to post)
    book_id: str | None = None  # the book of `seen` (None: the row keeps its own)
    quote_id: str | None = None
    seen: frozenset[str] = frozenset()
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    """How a claimed post went."""

    schedule_id: int
    local_date: str | None  # None for `daily now`
    at: int
    quote_id: str | None
    error: str | None = None
