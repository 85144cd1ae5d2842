"""The review feature: the answer sink the quiz publishes to, the review commands, the
reminder loop, and what it keeps about members (for privacy)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.content.library import ContentStore
from bot.core.answers import AnswerSink
from bot.core.clock import Clock
from bot.core.commands import Command
from bot.core.feature import BaseFeature
from bot.core.member_data import MemberData
from bot.core.outbox import Outbox
from bot.core.refs import MemberRef
from bot.core.supervisor import Supervisor
from bot.features.review.commands import Review, commands
from bot.features.review.reminders import Reminders
from bot.features.review.replies import HELP_NOTE, plural
from bot.features.review.repo import ReviewRepo
from bot.features.review.scheduler import ReminderScheduler
from bot.features.review.service import DailyTime, OptedOut, ReviewService, nobody_opted_out
from bot.storage.db import Database


class ReviewFeature(BaseFeature):
    name = "review"

    def __init__(
        self,
        db: Database,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
        outbox: Outbox,
        supervisor: Supervisor,
        daily_time: DailyTime,
        is_opted_out: OptedOut = nobody_opted_out,
    ) -> None:
        self.supervisor = supervisor
        self.repo = ReviewRepo(db)
        self.service = ReviewService(self.repo, store, clock, tz, is_opted_out)
        self.reminders = Reminders(self.service, outbox, clock, daily_time, is_opted_out)
        self.scheduler = ReminderScheduler(self.reminders, clock)

    def commands(self) -> Sequence[Command]:
        return commands.bind(Review(self.service, self.reminders))

    def help_notes(self) -> Sequence[str]:
        return [HELP_NOTE]

    def answer_sinks(self) -> Sequence[AnswerSink]:
        return [self.service]

    def member_data(self) -> Sequence[MemberData]:
        return [ReviewMemberData(self.repo)]

    async def start(self) -> None:
        self.scheduler.start(self.supervisor)


class ReviewMemberData:
    """Review items and the reminder are kept about members: `privacy show/delete` cover
    them."""

    def __init__(self, repo: ReviewRepo) -> None:
        self.repo = repo

    async def describe(self, member: MemberRef) -> str | None:
        items = await self.repo.all(member)
        reminder = await self.repo.reminder(member)
        if not items and reminder is None:
            return None
        text = (
            f"Review: {plural(len(items), 'quiz item')} on your schedule (each with when it "
            "is due and how many times you answered it, right or wrong)"
        )
        if reminder is not None:
            text += "; a daily reminder, with the channel it is for"
        return text + "."

    async def forget(self, member: MemberRef) -> None:
        await self.repo.forget(member)
