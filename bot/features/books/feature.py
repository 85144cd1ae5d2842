"""The books feature: the library's books and the one each group reads. It answers the
content store's question "which book does this place's group read?" for every feature."""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.library import ContentStore
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef, Place
from bot.core.suggestions import Suggestion
from bot.features.books.commands import commands
from bot.features.books.repo import BooksRepo
from bot.features.books.service import BooksMemberData, BooksService
from bot.storage.db import Database


class BooksFeature(BaseFeature):
    name = "books"

    def __init__(self, store: ContentStore, db: Database) -> None:
        repo = BooksRepo(db)
        self.service = BooksService(store, repo)
        self._member_data = BooksMemberData(repo)
        store.choice = self.service.choice

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)

    def member_data(self) -> Sequence[MemberData]:
        return (self._member_data,)

    async def suggest(
        self, place: Place, typed: str, member: MemberRef | None = None
    ) -> list[Suggestion]:
        """Book ids for `book use` (autocomplete), matched on the id and the title."""
        needle = typed.strip().lower()
        return [
            Suggestion(f"{b.meta.id}: {b.meta.title}"[:100], b.meta.id)
            for b in self.service.store.library.books
            if needle in f"{b.meta.id} {b.meta.title}".lower()
        ]
