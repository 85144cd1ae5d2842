"""Which book each group reads: the stored choice, read from the database every time (so
that every process on one database agrees at once), resolved against the library."""

from __future__ import annotations

from datetime import datetime

from bot.content.library import ContentStore
from bot.content.model import Book
from bot.core.commands import UserError
from bot.core.refs import MemberRef, Place
from bot.features.books.model import GroupBook, ids, resolve
from bot.features.books.repo import BooksRepo


class BooksService:
    def __init__(self, store: ContentStore, repo: BooksRepo) -> None:
        self.store = store
        self.repo = repo

    async def choice(self, place: Place) -> str | None:
        """The id of the book the place's group chose (ContentStore.choice)."""
        chosen = await self.repo.get(place.group)
        return chosen.book_id if chosen is not None else None

    async def current(self, place: Place) -> GroupBook:
        chosen = await self.repo.get(place.group)
        return resolve(self.store.library, self.store.book, chosen)

    def find(self, book_id: str) -> Book:
        try:
            return self.store.library.book(book_id.strip().lower())
        except KeyError:
            raise UserError(
                f"There is no book {book_id!r} in the library. Books: {ids(self.store.library)}."
            ) from None

    async def use(self, place: Place, book_id: str, by: MemberRef, now: datetime) -> Book:
        """Make the place's group read the book with this id from now on."""
        book = self.find(book_id)
        await self.repo.choose(place.group, book.meta.id, by, now)
        return book


class BooksMemberData:
    """For privacy: who chose a group's book. Forgetting keeps the group's book."""

    def __init__(self, repo: BooksRepo) -> None:
        self.repo = repo

    async def describe(self, member: MemberRef) -> str | None:
        count = await self.repo.chosen_by(member)
        if not count:
            return None
        return f"Books: you are named as who chose the book of {count} group(s)."

    async def forget(self, member: MemberRef) -> None:
        await self.repo.forget(member)
