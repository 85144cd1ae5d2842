"""Daily quotes, which quotes: the pool a chapter setting allows in a book, why a setting
gives none, and the post made of a quote. Pure: no I/O; randomness is injected."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.content.model import Book, Chapter, Quote
from bot.core.replies import Field, Reply
from bot.features.daily.model import ChapterScope, ScopeKind


class Pool:
    """The quotes a place may get, by id, in a fixed order."""

    def __init__(self, by_id: dict[str, tuple[Chapter, Quote]]) -> None:
        self.by_id = by_id
        self.ids = sorted(by_id)


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
    fields: tuple[Field, ...] = ()
    if prompt and chapter.discussion:
        fields = (Field("For discussion", rng.choice(chapter.discussion)),)
    return [
        Reply(
            title="Quote of the day",
            text=f"“{quote.text}”\n— {quote.source}; quoted in this book (chapter {chapter.number}: {chapter.title})",
            fields=fields,
            tags=frozenset({"daily-quote"}),
        )
    ]
