"""The chapters feature: its commands, its activity and answer sinks, the vote sink it
adds to the engine's Threads, the counts and votes it keeps about members (for privacy),
and the poll timers it resumes at start."""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.library import ContentStore
from bot.core.activity import ActivitySink
from bot.core.answers import AnswerSink
from bot.core.chapters import CurrentChapter
from bot.core.checkins import CheckIns
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.engine import Engine
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef
from bot.core.supervisor import Supervisor
from bot.features.chapters.commands import commands
from bot.features.chapters.repo import ChaptersRepo
from bot.features.chapters.service import ChaptersService, OptedOut, nobody_opted_out
from bot.storage.db import Database


class ChapterData:
    """Per-member counts in chapter threads and poll votes: `privacy show/delete` cover them."""

    def __init__(self, repo: ChaptersRepo) -> None:
        self.repo = repo

    async def describe(self, member: MemberRef) -> str | None:
        threads, polls = await self.repo.member_counts(member)
        if not threads and not polls:
            return None
        return (
            f"Counts of your messages and quiz answers in {threads} chapter thread(s); "
            f"your votes in {polls} poll(s)."
        )

    async def forget(self, member: MemberRef) -> None:
        await self.repo.delete_member(member)


class ChaptersFeature(BaseFeature):
    name = "chapters"

    def __init__(
        self,
        db: Database,
        store: ContentStore,
        clock: Clock,
        engine: Engine,
        supervisor: Supervisor,
        checkins: CheckIns,
        current_chapter: CurrentChapter,
        poll_hours: int = 24,
        progress_poll_hours: int = 168,
        is_opted_out: OptedOut = nobody_opted_out,
        open_with_plan: bool = True,
    ) -> None:
        self.repo = ChaptersRepo(db)
        self.service = ChaptersService(
            self.repo,
            store,
            clock,
            engine.threads,
            engine.outbox,
            supervisor,
            checkins,
            current_chapter,
            poll_hours,
            progress_poll_hours,
            is_opted_out,
            open_with_plan,
        )
        engine.threads.sinks.append(self.service.polls)

    def commands(self) -> Sequence[Command]:
        return commands.bind(self.service)

    def sinks(self) -> Sequence[ActivitySink]:
        return [self.service]

    def answer_sinks(self) -> Sequence[AnswerSink]:
        return [self.service]

    def member_data(self) -> Sequence[MemberData]:
        return [ChapterData(self.repo)]

    async def start(self) -> None:
        await self.service.polls.resume()

    async def stop(self) -> None:
        await self.service.flush()
