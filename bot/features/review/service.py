"""Spaced review: judged quiz answers come in (the quiz publishes them to this feature's
answer sink); a missed item, or one answered right but slowly in a timed quiz, goes on the
member's schedule; `review` asks the due items one at a time, privately, and each answer
moves the item by FSRS. Opted-out members get no schedule. Days are those of the
configured timezone: an item due at any time of a day is due that day."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content.judging import judge
from bot.content.library import ContentStore
from bot.content.model import Book, QuizItem
from bot.core.answers import AnswerOutcome
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import UserError
from bot.core.refs import MemberRef, Place
from bot.core.replies import Reply
from bot.features.review.model import is_slow, new_item, rating_for
from bot.features.review.replies import (
    nothing_due_reply,
    plural,
    question_reply,
    verdict_reply,
)
from bot.features.review.repo import ReviewRepo, epoch

log = logging.getLogger(__name__)

# Whether a member opted out of being recorded (asked of the database).
OptedOut = Callable[[MemberRef], Awaitable[bool]]
# A place's daily time: ("HH:MM", IANA timezone), the daily quote's when the place has a
# schedule, else the configured default.
DailyTime = Callable[[Place], Awaitable[tuple[str, str]]]


async def nobody_opted_out(member: MemberRef) -> bool:
    return False


def find_item(book: Book, item_id: str) -> tuple[int | None, QuizItem] | None:
    """An item of the book by id, with its chapter (None for a deck's item)."""
    for chapter in book.chapters:
        for item in chapter.quiz:
            if item.id == item_id:
                return chapter.number, item
    for deck in book.decks:
        for item in deck.quiz:
            if item.id == item_id:
                return None, item
    return None


class ReviewService:
    def __init__(
        self,
        repo: ReviewRepo,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
        is_opted_out: OptedOut = nobody_opted_out,
    ) -> None:
        self.repo = repo
        self.store = store
        self.clock = clock
        self.tz = tz
        self.is_opted_out = is_opted_out

    # -- answers from quizzes ------------------------------------------------------------

    async def answered(self, outcomes: Sequence[AnswerOutcome]) -> None:
        """The answer sink: put missed and slow items on the schedule, move those there."""
        opted_out: dict[MemberRef, bool] = {}
        for outcome in outcomes:
            member = outcome.member
            if member not in opted_out:
                opted_out[member] = await self.is_opted_out(member)
            if opted_out[member]:
                continue
            try:
                await self._take(outcome)
            except Exception:
                log.exception("review: an answer of %s could not be scheduled", member)

    async def _take(self, outcome: AnswerOutcome) -> None:
        found = self._lookup(outcome.book_id, outcome.item_id)
        if found is None:
            return  # the book or the item is gone from the library: nothing to ask
        chapter, item = found
        slow = outcome.correct and is_slow(outcome.seconds, outcome.time_limit)
        rating = rating_for(outcome.correct, slow)
        async with self.repo.db.transaction():
            known = await self.repo.get(outcome.member, outcome.book_id, outcome.item_id)
            if known is not None:
                entry = known.rated(rating, outcome.at)
            elif outcome.correct and not slow:
                return  # known, and quickly: nothing to review
            else:
                entry = new_item(outcome.member, outcome.book_id, chapter, item, rating, outcome.at)
            await self.repo.save(entry)

    def _lookup(self, book_id: str, item_id: str) -> tuple[int | None, QuizItem] | None:
        for book in self.store.library.books:
            if book.meta.id == book_id:
                return find_item(book, item_id)
        return None

    # -- days ----------------------------------------------------------------------------

    def end_of_day(self, now: datetime, days: int = 0) -> datetime:
        """The end of the local day `days` after today: items due before it are due by then."""
        local = now.astimezone(self.tz).date() + timedelta(days=days + 1)
        return datetime.combine(local, time(0), self.tz)

    def when(self, due: datetime, now: datetime) -> str:
        """'today', 'tomorrow' or 'on 2026-12-03 (in 5 days)', in the configured timezone."""
        days = (due.astimezone(self.tz).date() - now.astimezone(self.tz).date()).days
        if days <= 0:
            return "today"
        if days == 1:
            return "tomorrow"
        return f"on {due.astimezone(self.tz).date().isoformat()} (in {days} days)"

    # -- the member's review -------------------------------------------------------------

    async def member(self, ctx: CommandContext) -> MemberRef:
        """The caller, refused when opted out (nothing about them is kept)."""
        member = ctx.place.member(ctx.caller)
        if await self.is_opted_out(member):
            raise UserError(
                "You opted out: nothing is recorded about you, so nothing is scheduled for "
                f"review. {ctx.prefix}privacy optin to take part again."
            )
        return member

    async def next(self, ctx: CommandContext) -> Reply:
        """Ask the first item due today, or say when the next one is due."""
        member = await self.member(ctx)
        due = await self.repo.due(member, self.end_of_day(ctx.now))
        if not due:
            nxt = await self.repo.next_due(member)
            total = len(await self.repo.all(member))
            return nothing_due_reply(total, self.when(nxt, ctx.now) if nxt else None, ctx.prefix)
        entry = due[0]
        token = f"r{epoch(ctx.now)}-{entry.reviews}"
        await self.repo.show(member, entry, token)
        return question_reply(entry, token, len(due), ctx.prefix)

    async def answer(self, ctx: CommandContext, raw: str, token: str | None) -> list[Reply]:
        """Judge the answer to the item shown, reveal it, move it; then ask the next one."""
        member = await self.member(ctx)
        async with self.repo.db.transaction():
            shown = await self.repo.shown(member)
            if shown is None:
                raise UserError(f"No review item is waiting for an answer: {ctx.prefix}review.")
            if token is not None and token != shown.token:
                raise UserError(
                    f"That review item was answered already: {ctx.prefix}review for the next."
                )
            entry = await self.repo.get(member, shown.book_id, shown.item_id)
            if entry is None:
                await self.repo.answered(member, shown.token)
                raise UserError(f"That item is no longer on your schedule: {ctx.prefix}review.")
            given, correct = judge(entry.item, raw)  # a bad letter is refused: nothing moves
            if not await self.repo.answered(member, shown.token):
                raise UserError("That review item was answered already.")
            moved = entry.rated(rating_for(correct), ctx.now)
            await self.repo.save(moved)
        verdict = verdict_reply(moved, given, correct, self.when(moved.due, ctx.now), shown.token)
        return [verdict, await self.next(ctx)]

    async def counts(self, member: MemberRef, now: datetime) -> tuple[int, int, int]:
        """Items due today, due within seven days (today included), and all of them."""
        today = await self.repo.count_due(member, self.end_of_day(now))
        week = await self.repo.count_due(member, self.end_of_day(now, 6))
        total = len(await self.repo.all(member))
        return today, week, total

    async def status(self, ctx: CommandContext) -> Reply:
        member = await self.member(ctx)
        today, week, total = await self.counts(member, ctx.now)
        reminder = await self.repo.reminder(member)
        lines = [
            f"Due today: {plural(today, 'item')}.",
            f"Due this week (the next 7 days, today included): {plural(week, 'item')}.",
            f"On your schedule: {plural(total, 'item')}.",
            "Daily reminder: " + ("on." if reminder is not None else "off."),
        ]
        return Reply(
            title="Your review",
            text="\n".join(lines),
            footer=f"{ctx.prefix}review to start; {ctx.prefix}review remind on|off",
            private=True,
        )
