"""Daily quotes, which quotes: the pool a chapter setting allows in a book, why a setting
gives none, and the post made of a quote. Pure: no I/O; randomness is injected."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from typing import overload

from bot.content.model import Book, Chapter, Quote
from bot.core.replies import Field, Reply
from bot.core.spoilers import Line
from bot.features.daily.model import ChapterScope, ScopeKind


class Pool:
    """The quotes a place may get, by id, in a fixed order (sorted once per pool, which a
    round shares between its places)."""

    def __init__(self, by_id: dict[str, tuple[Chapter, Quote]]) -> None:
        self.by_id = by_id
        self.ids = sorted(by_id)
        self.index = {quote_id: i for i, quote_id in enumerate(self.ids)}

    def pick(
        self, seen: frozenset[str], last: str | None, rng: random.Random
    ) -> tuple[str, frozenset[str]] | None:
        """What `schedule.pick_quote(self.ids, seen, last, rng)` picks, the same draw for the
        same seed, without walking the pool: the unseen quotes are the sorted ids less the
        seen ones, found by position (the cost grows with `seen`, not with the pool)."""
        if not self.ids:
            return None
        skipped = sorted(i for q in seen if (i := self.index.get(q)) is not None)
        if len(skipped) == len(self.ids):  # every quote seen: a new cycle, not the last one
            seen = frozenset()
            at = self.index.get(last) if last is not None else None
            skipped = [at] if at is not None and len(self.ids) > 1 else []
        # With nothing skipped the unseen ids are all the ids: the same draw, made directly.
        chosen = rng.choice(Unseen(self.ids, skipped) if skipped else self.ids)
        return chosen, seen | {chosen}


class Unseen(Sequence[str]):
    """The ids less those at the `skipped` positions (sorted), as a sequence."""

    def __init__(self, ids: list[str], skipped: list[int]) -> None:
        self.ids = ids
        self.skipped = skipped

    def __len__(self) -> int:
        return len(self.ids) - len(self.skipped)

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[str]: ...
    def __getitem__(self, k: int | slice) -> str | Sequence[str]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not 0 <= k < len(self):
            raise IndexError(k)
        at = bisect.bisect_right(self.skipped, k)
        # The k-th unseen id: move past every skipped position at or before it.
        while at < len(self.skipped) and self.skipped[at] <= k + at:
            at += 1
        return self.ids[k + at]


def chapter_of(scope: ChapterScope, planned: int | None, book: Book) -> int | None:
    """The one chapter `scope` allows in `book`, or None for all of them. `planned` is the
    reading plan's chapter (for `current`; all chapters when the book lacks it)."""
    if scope.kind is ScopeKind.NUMBER:
        return scope.number
    if scope.kind is ScopeKind.CURRENT and planned is not None and book.chapter(planned):
        return planned
    return None


def pool_of(book: Book, number: int | None) -> Pool:
    """The quotes of one chapter of `book` (none if it lacks it), or of all (None)."""
    if number is None:
        chapters: Sequence[Chapter] = book.chapters
    else:
        found = book.chapter(number)
        chapters = [found] if found else []
    return Pool({q.id: (c, q) for c in chapters for q in c.quotes})


def within_line(pool: Pool, line: Line) -> Pool:
    """The pool's quotes up to the spoiler line (the plan's chapter when the shield is on)."""
    if line.limit is None:
        return pool
    return Pool({i: (c, q) for i, (c, q) in pool.by_id.items() if line.allows(c.number)})


def chapter_missing(scope: ChapterScope, book: Book) -> bool:
    return scope.kind is ScopeKind.NUMBER and (
        scope.number is None or book.chapter(scope.number) is None
    )


def scope_problem(scope: ChapterScope, book: Book) -> str | None:
    """Why `scope` gives no quotes from `book`: a chapter the book lacks (None: fine)."""
    if not chapter_missing(scope, book):
        return None
    return (
        f"the setting names chapter {scope.number}, which the book {book.meta.id!r} that "
        f"this group reads does not have (chapters: {book.chapter_list()}); "
        "choose one with daily set chapter"
    )


def compose(chapter: Chapter, quote: Quote, prompt: bool, rng: random.Random) -> list[Reply]:
    """The post: the quote, then its source and chapter, then maybe a discussion prompt
    (the attribution is in the text, so every platform shows it before the prompt)."""
    return [_reply(chapter, quote, _discussion(chapter, prompt, rng))]


def _discussion(chapter: Chapter, prompt: bool, rng: random.Random) -> str | None:
    """The discussion prompt of a post (drawn from the chapter's), or None."""
    return rng.choice(chapter.discussion) if prompt and chapter.discussion else None


def _reply(chapter: Chapter, quote: Quote, discussion: str | None) -> Reply:
    fields = () if discussion is None else (Field("For discussion", discussion),)
    return Reply(
        title="Quote of the day",
        text=f"“{quote.text}”\n— {quote.source}; quoted in this book (chapter {chapter.number}: {chapter.title})",
        fields=fields,
        tags=_TAGS,
    )


_TAGS = frozenset({"daily-quote"})


class Posts:
    """The posts of one round: what `compose` makes, with the same draws from `rng`, made
    once per book, quote and prompt (a Reply is immutable, so places share it)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str, str | None], Reply] = {}

    def reply(
        self, book_id: str, chapter: Chapter, quote: Quote, prompt: bool, rng: random.Random
    ) -> Reply:
        discussion = _discussion(chapter, prompt, rng)
        key = (book_id, quote.id, discussion)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = _reply(chapter, quote, discussion)
        return made
