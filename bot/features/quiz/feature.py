"""The quiz feature: group quizzes and practice; at start it attaches older rows to the
default book, arms the timers of running quizzes and starts the sweeper."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.config import QuizConfig
from bot.content.library import ContentStore
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.engine import Engine
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef
from bot.core.supervisor import Supervisor
from bot.features.quiz.commands import commands, plural
from bot.features.quiz.repo import QuizRepo
from bot.features.quiz.service import QuizService
from bot.storage.db import Database

log = logging.getLogger(__name__)


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
        tz: ZoneInfo,
    ) -> None:
        self.config = config
        self.store = store
        self.repo = QuizRepo(db)
        self.service = QuizService(config, store, db, self.repo, engine, clock, rng, supervisor, tz)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)

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
        # A database written before quizzes recorded their book: its rows are the default's.
        await self.repo.adopt_book(self.store.book.meta.id)
        running = await self.service.resume()
        if running:
            log.info("resumed %d running quiz(zes)", running)
        self.service.timers.start_sweeping()


class QuizMemberData:
    """Quiz answers are kept about members: `privacy show/delete` cover them."""

    def __init__(self, repo: QuizRepo) -> None:
        self.repo = repo

    async def describe(self, member: MemberRef) -> str | None:
        answers, quizzes = await self.repo.member_answers(member)
        if not answers:
            return None
        return (
            f"Quiz results: {plural(answers, 'answer')} in {plural(quizzes, 'finished quiz')} "
            "(the letter you chose, or for typed answers only whether it was right, and the "
            "points), shown on the leaderboard. A typed answer is kept word for word only "
            "while its quiz runs."
        )

    async def forget(self, member: MemberRef) -> None:
        await self.repo.forget_member(member)
