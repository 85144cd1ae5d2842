"""The reading feature: the content commands over the group's book, and autocomplete of
its chapters and glossary terms."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.content.library import ContentStore
from bot.core.chapters import CurrentChapter, no_plan
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.refs import MemberRef, Place
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
        self.line_of = line_of
        self.reading = Reading(store, rng, current_chapter, line_of)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.reading)

    async def chapters(
        self, place: Place, typed: str, member: MemberRef | None = None
    ) -> list[Suggestion]:
        """Chapters by number or title (titles are no spoiler)."""
        book = await self.store.book_for(place)
        needle = typed.strip().lower()
        return [
            Suggestion(f"{c.number}. {c.title}", c.number)
            for c in book.chapters
            if needle in f"{c.number} {c.title}".lower()
        ]

    async def terms(
        self, place: Place, typed: str, member: MemberRef | None = None
    ) -> list[Suggestion]:
        """The glossary terms with what was typed, leaving out those only chapters past
        the member's spoiler line introduce (the channel's line when the member is not
        known)."""
        book = await self.store.book_for(place)
        line = await self.line_of(place, member)
        needle = typed.strip().lower()
        terms = sorted({t.term for c in book.chapters if line.allows(c.number) for t in c.glossary})
        return [Suggestion(t, t[:100]) for t in terms if needle in t.lower()]
