"""The reading feature: the content commands over the group's book, and autocomplete of
its chapters and glossary terms."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.content.library import ContentStore
from bot.core.chapters import CurrentChapter, no_plan
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.refs import Place
from bot.core.spoilers import LineOf, no_line
from bot.core.suggestions import Suggestion
from bot.features.reading.commands import Reading, commands


class ReadingFeature(BaseFeature):
    name = "reading"

    def __init__(
        self,
        store: ContentStore,
        rng: random.Random,
        current_chapter: CurrentChapter = no_plan,
        line_of: LineOf = no_line,
    ) -> None:
        self.store = store
        self.reading = Reading(store, rng, current_chapter, line_of)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.reading)

    async def chapters(self, place: Place, typed: str) -> list[Suggestion]:
        book = await self.store.book_for(place)
        needle = typed.strip().lower()
        return [
            Suggestion(f"{c.number}. {c.title}", c.number)
            for c in book.chapters
            if needle in f"{c.number} {c.title}".lower()
        ]

    async def terms(self, place: Place, typed: str) -> list[Suggestion]:
        book = await self.store.book_for(place)
        needle = typed.strip().lower()
        terms = sorted({t.term for c in book.chapters for t in c.glossary})
        return [Suggestion(t, t[:100]) for t in terms if needle in t.lower()]
