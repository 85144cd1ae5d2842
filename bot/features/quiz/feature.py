"""The quiz feature: group quizzes and practice, resumed at start."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.config import QuizConfig
from bot.content.library import ContentStore
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.engine import Engine
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.supervisor import Supervisor
from bot.features.quiz.commands import QuizMemberData, quiz_commands
from bot.features.quiz.repo import QuizRepo
from bot.features.quiz.service import QuizService
from bot.storage.db import Database


class QuizFeature(BaseFeature):
    name = "quiz"

    def __init__(
        self,
        config: QuizConfig,
        store: ContentStore,
        db: Database,
        engine: Engine,
        clock: Clock,
        rng: random.Random,
        supervisor: Supervisor,
    ) -> None:
        self.config = config
        self.repo = QuizRepo(db)
        self.service = QuizService(config, store, self.repo, engine, clock, rng, supervisor)

    def commands(self) -> Sequence[Command]:
        return quiz_commands(self.service, self.repo).commands

    def help_notes(self) -> Sequence[str]:
        notes = [
            "Quiz points: 1 point for each right answer. Only your last answer to a question "
            "counts; you may change it until the question closes."
        ]
        if self.config.speed_bonus:
            notes.append(
                "Speed bonus: 1 extra point for a right answer given in the first third of a "
                "timed question's time (your last answer's time counts)."
            )
        return notes

    def member_data(self) -> Sequence[MemberData]:
        return [QuizMemberData(self.repo)]

    async def start(self) -> None:
        await self.service.resume()
