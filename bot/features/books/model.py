"""Which book a group reads: its stored choice resolved against the library. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content.model import Book, Library
from bot.core.refs import GroupRef


@dataclass(frozen=True)
class Choice:
    """A group's stored choice: the book's id, who chose it (a user id on the group's
    platform; None once they asked to be forgotten) and when."""

    group: GroupRef
    book_id: str
    chosen_by: str | None
    chosen_at: datetime


@dataclass(frozen=True)
class GroupBook:
    """The book a group reads: its choice, else the default. `missing` is the id of a
    chosen book that is no longer in the library (the default stands in for it)."""

    book: Book
    chosen: Choice | None
    missing: str | None = None

    @property
    def is_default(self) -> bool:
        return self.chosen is None or self.missing is not None


def resolve(library: Library, default: Book, choice: Choice | None) -> GroupBook:
    if choice is None:
        return GroupBook(default, None)
    try:
        return GroupBook(library.book(choice.book_id), choice)
    except KeyError:
        return GroupBook(default, choice, missing=choice.book_id)


def ids(library: Library) -> str:
    """'a, b': the library's book ids, for messages that name them."""
    return ", ".join(b.meta.id for b in library.books)


def describe(book: Book) -> str:
    """One line about a book: title, author, number of chapters."""
    count = len(book.chapters)
    chapters = f"{count} chapter{'s' if count != 1 else ''}"
    return f"{book.meta.title}, by {book.meta.author} ({chapters})"
