"""The reading plan of each group for the book it reads (the chapter being read and its due
date), members' check-ins, and where everyone stands.

Every decision reads the database, the one truth shared by every process: a plan set
through another copy of the bot counts here at once. What this feature needs of others
comes from the composition root: the group's activity (`GroupActivity`: write the
participation buffer, who is active). Opted-out members never reach a check-in: the
engine refuses `read` to them (it keeps member data)."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.content.library import ContentStore
from bot.content.model import Book
from bot.core.chapters import ChapterReached, Reading
from bot.core.clock import Clock
from bot.core.refs import GroupRef, MemberRef, Place
from bot.features.plan.repo import CheckIn, Plan, PlanRepo


class GroupActivity(Protocol):
    """What the plan asks of participation when it counts a group's members."""

    async def flush(self) -> object:
        """Write what is buffered, so who just spoke counts."""
        ...

    async def active_members(self, group: GroupRef) -> set[str]:
        """The user ids with activity kept in the group."""
        ...


class NoActivity:
    async def flush(self) -> object:
        return None

    async def active_members(self, group: GroupRef) -> set[str]:
        return set()


def due_text(due: str | None, today: date) -> str:
    if due is None:
        return "no due date"
    days = (date.fromisoformat(due) - today).days
    if days > 1:
        return f"due {due} (in {days} days)"
    if days == 1:
        return f"due {due} (tomorrow)"
    if days == 0:
        return f"due {due} (today)"
    return f"due {due} ({-days} day{'s' if days != -1 else ''} overdue)"


def chapter_title(book: Book, number: int) -> str:
    chapter = book.chapter(number)
    return f"chapter {number}: {chapter.title}" if chapter else f"chapter {number}"


class PlanService:
    def __init__(
        self,
        repo: PlanRepo,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
    ) -> None:
        self.repo = repo
        self.store = store
        self.clock = clock
        self.tz = tz
        # Set by the composition root once participation is built (the two need each other).
        self.activity: GroupActivity = NoActivity()
        # Told when the plan reaches a chapter (chapter threads open); set by the root.
        self.reached: list[ChapterReached] = []

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    async def book(self, place: Place) -> Book:
        """The book the place's group reads: plans and check-ins belong to it."""
        return await self.store.book_for(place)

    async def plan(self, place: Place, book: Book | None = None) -> Plan | None:
        """The group's current plan for its book (None when none is set or it was cleared)."""
        book = book or await self.book(place)
        plan = await self.repo.current_plan(place.group, book.meta.id)
        return plan if plan is not None and plan.chapter is not None else None

    async def current_chapter(self, place: Place) -> int | None:
        """The app's CurrentChapter: `summary`, `discuss` and daily quotes follow the plan."""
        plan = await self.plan(place)
        return plan.chapter if plan else None

    async def reading(self, place: Place) -> Reading:
        """The book and plan chapter participation counts the group's activity under."""
        book = await self.book(place)
        plan = await self.plan(place, book)
        return Reading(book.meta.id, plan.chapter if plan else None)

    async def plan_label(self, place: Place) -> tuple[int | None, str]:
        plan = await self.plan(place)
        if plan is None or plan.chapter is None:
            return None, "no plan set"
        return plan.chapter, f"plan: chapter {plan.chapter}, {due_text(plan.due, self.today())}"

    async def checkins(self, place: Place, user_id: str | None = None) -> list[CheckIn]:
        """The group's check-ins for the book it reads now (one member's with `user_id`)."""
        book = await self.book(place)
        return await self.repo.checkins(place.group, book.meta.id, user_id)

    async def position(self, place: Place, member: MemberRef) -> int | None:
        """The chapter of the member's last check-in for the group's book (the app's
        Position: the spoiler line of the `member` mode); None before their first."""
        book = await self.book(place)
        return await self.repo.last_check_in(place.group, book.meta.id, member.user_id)

    async def set(self, place: Place, book: Book, chapter: int | None, due: date | None) -> Plan:
        # What was counted before the change belongs to the chapter read until now.
        await self.activity.flush()
        plan = Plan(
            place.group,
            book.meta.id,
            chapter,
            due.isoformat() if due else None,
            self.clock.now().isoformat(),
        )
        await self.repo.add_plan(plan)
        return plan

    async def check_in(
        self, place: Place, member: MemberRef, book: Book, chapter: int
    ) -> str | None:
        """Check a member in; returns the day of an earlier check-in when there was one."""
        now = self.clock.now()
        earlier = await self.repo.check_in(
            place.group,
            book.meta.id,
            member.user_id,
            chapter,
            now.astimezone(self.tz).date().isoformat(),
            now.isoformat(),
        )
        return earlier.day if earlier else None

    async def readers(self, place: Place, book: Book, chapter: int) -> tuple[int, int]:
        """(members checked in for the chapter, members known in the group)."""
        await self.activity.flush()
        checkins = await self.repo.checkins(place.group, book.meta.id)
        known = await self.activity.active_members(place.group)
        known |= await self.repo.checked_in_members(place.group)
        done = {c.user_id for c in checkins if c.chapter == chapter}
        return len(done), len(known)
