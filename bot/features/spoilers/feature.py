"""The spoilers feature: each group's spoiler mode and the line it draws, which the
composition root hands to the features that show content (`line_of`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.chapters import CurrentChapter, no_plan
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.features.spoilers.commands import commands
from bot.features.spoilers.repo import SpoilersRepo
from bot.features.spoilers.service import Position, SpoilersService, no_position
from bot.storage.db import Database


class SpoilersFeature(BaseFeature):
    name = "spoilers"

    def __init__(
        self,
        db: Database,
        clock: Clock,
        current_chapter: CurrentChapter = no_plan,
        position: Position = no_position,
    ) -> None:
        self.service = SpoilersService(SpoilersRepo(db), clock, current_chapter, position)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)

    def help_notes(self) -> Sequence[str]:
        return [
            "Spoilers: with the shield on (spoilers), what lies past your line is hidden or "
            "sent privately; add `spoil` to see it privately (summary 3 spoil)."
        ]
