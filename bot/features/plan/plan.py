"""The reading plan of each group (the chapter being read and its due date), members'
check-ins, and where everyone stands: `plan set|show|clear`, `read`, `progress`."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from zoneinfo import ZoneInfo

from bot.content.library import ContentStore
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, CommandSet, UserError, as_int
from bot.core.refs import Caller, Place
from bot.core.replies import Field, Reply
from bot.features.participation.repo import ParticipationRepo, Plan
from bot.features.participation.stats import local_day


def as_date(raw: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        raise ValueError("expected a date like 2026-12-01 (year-month-day)")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError("expected a real date like 2026-12-01 (year-month-day)") from None


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


class ReadingPlan:
    def __init__(
        self,
        repo: ParticipationRepo,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
        is_opted_out: Callable[[str, str], bool],
        flush: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.repo = repo
        self.store = store
        self.clock = clock
        self.tz = tz
        self.is_opted_out = is_opted_out
        # Writes the recorder's buffer, so member counts include who just spoke.
        self.flush = flush
        self._plans: dict[tuple[str, str], Plan] = {}

    async def load(self) -> None:
        self._plans = {(p.platform, p.group_id): p for p in await self.repo.current_plans()}

    def plan(self, place: Place) -> Plan | None:
        plan = self._plans.get((place.platform, place.group_id))
        return plan if plan is not None and plan.chapter is not None else None

    def chapter_of(self, place: Place) -> int | None:
        """The chapter a group reads now (synchronous, for the recorder)."""
        plan = self.plan(place)
        return plan.chapter if plan else None

    async def current_chapter(self, place: Place) -> int | None:
        """The app's CurrentChapter: `summary`, `discuss` and daily quotes follow the plan."""
        return self.chapter_of(place)

    def today(self) -> date:
        return local_day(self.clock.now(), self.tz)

    def title(self, number: int) -> str:
        chapter = self.store.book.chapter(number)
        return f"chapter {number}: {chapter.title}" if chapter else f"chapter {number}"

    def _check_chapter(self, number: int) -> None:
        if self.store.book.chapter(number) is None:
            raise UserError(
                f"There is no chapter {number}. Chapters: {self.store.book.chapter_list()}."
            )

    async def set(self, place: Place, chapter: int | None, due: date | None) -> Plan:
        now = self.clock.now()
        plan = Plan(
            place.platform,
            place.group_id,
            chapter,
            due.isoformat() if due else None,
            now.isoformat(),
        )
        await self.repo.set_plan(plan.platform, plan.group_id, chapter, plan.due, plan.set_at)
        self._plans[(place.platform, place.group_id)] = plan
        return plan

    async def check_in(self, caller: Caller, place: Place, chapter: int) -> str | None:
        """Check a member in; returns the day of an earlier check-in when there was one."""
        now = self.clock.now()
        earlier = await self.repo.check_in(
            place.platform,
            place.group_id,
            caller.user_id,
            chapter,
            local_day(now, self.tz).isoformat(),
            now.isoformat(),
        )
        return earlier.day if earlier else None

    async def readers(self, place: Place, chapter: int) -> tuple[int, int]:
        """(members checked in for the chapter, members known in the group)."""
        if self.flush is not None:
            await self.flush()
        checkins = await self.repo.checkins(place.platform, place.group_id)
        members = await self.repo.members(place.platform, place.group_id)
        done = {c.user_id for c in checkins if c.chapter == chapter}
        return len(done), len(members)

    def commands(self) -> CommandSet:
        cs = CommandSet()
        chapter = Arg("chapter", "chapter number", convert=as_int, type=int, hint="chapter")

        @cs.command(
            "plan set",
            "Set the chapter the group reads now and its due date",
            Arg(
                "chapter", "chapter number", convert=as_int, type=int, hint="chapter", required=True
            ),
            Arg("due", "due date, year-month-day", keyword="due", convert=as_date, metavar="date"),
            moderator=True,
        )
        async def plan_set(ctx: CommandContext, args: Args) -> Reply:
            number = args.int("chapter")
            assert number is not None
            self._check_chapter(number)
            due: date | None = args.get("due")
            today = self.today()
            if due is not None and due < today:
                raise UserError(
                    f"The due date {due.isoformat()} is in the past (today is {today.isoformat()})."
                )
            plan = await self.set(ctx.place, number, due)
            return Reply(
                title="Reading plan set",
                text=f"The group reads {self.title(number)}, {due_text(plan.due, today)}.",
                footer=f"Members check in with {ctx.prefix}read {number}",
            )

        @cs.command("plan clear", "Clear the reading plan", moderator=True)
        async def plan_clear(ctx: CommandContext, args: Args) -> Reply:
            if self.plan(ctx.place) is None:
                raise UserError("There is no reading plan to clear.")
            await self.set(ctx.place, None, None)
            return Reply(text="The reading plan is cleared.")

        @cs.command("plan show", "The chapter the group reads now and its due date")
        async def plan_show(ctx: CommandContext, args: Args) -> Reply:
            plan = self.plan(ctx.place)
            if plan is None or plan.chapter is None:
                return Reply(
                    text="No reading plan is set. A moderator sets one with "
                    f"{ctx.prefix}plan set <chapter> due <year-month-day>."
                )
            done, members = await self.readers(ctx.place, plan.chapter)
            history = [
                p
                for p in await self.repo.plan_history(ctx.place.platform, ctx.place.group_id)
                if p.chapter is not None
            ]
            earlier = [
                f"chapter {p.chapter}, {'due ' + p.due if p.due else 'no due date'} "
                f"(set {p.set_at[:10]})"
                for p in history[-6:-1]
            ]
            fields = [Field("Checked in", f"{done} of {members} members")]
            if earlier:
                fields.append(Field("Earlier plans", "\n".join(reversed(earlier))))
            return Reply(
                title="Reading plan",
                text=f"The group reads {self.title(plan.chapter)}, "
                f"{due_text(plan.due, self.today())}.",
                fields=tuple(fields),
            )

        @cs.command(
            "read",
            "Check in: you have read a chapter (the plan's chapter when none is given)",
            chapter,
        )
        async def read(ctx: CommandContext, args: Args) -> Reply:
            number = args.int("chapter") or self.chapter_of(ctx.place)
            if number is None:
                raise UserError(f"Which chapter? {ctx.prefix}read <chapter>")
            self._check_chapter(number)
            if self.is_opted_out(ctx.place.platform, ctx.caller.user_id):
                raise UserError(
                    "You opted out of participation records, so check-ins are not kept. "
                    f"{ctx.prefix}privacy optin to take part again."
                )
            earlier = await self.check_in(ctx.caller, ctx.place, number)
            done, members = await self.readers(ctx.place, number)
            if earlier:
                return Reply(
                    text=f"You already checked in {self.title(number)} on {earlier}.",
                    private=True,
                )
            return Reply(
                text=f"{ctx.caller.display_name} has read {self.title(number)}. "
                f"{done} of {members} members have checked in."
            )

        @cs.command("progress", "Where you stand against the reading plan")
        async def progress(ctx: CommandContext, args: Args) -> Reply:
            return await self.progress(ctx)

        return cs

    async def progress(self, ctx: CommandContext) -> Reply:
        place, today = ctx.place, self.today()
        mine = await self.repo.checkins(place.platform, place.group_id, ctx.caller.user_id)
        read = sorted({c.chapter for c in mine})
        book = self.store.book
        plan = self.plan(place)
        lines = []
        if plan is None or plan.chapter is None:
            lines.append("No reading plan is set.")
        else:
            lines.append(
                f"The group reads {self.title(plan.chapter)}, {due_text(plan.due, today)}."
            )
            done, members = await self.readers(place, plan.chapter)
            if plan.chapter in read:
                lines.append(f"You have checked in chapter {plan.chapter}: on pace.")
            else:
                behind = [n for n in book.numbers if n <= plan.chapter and n not in read]
                lines.append(
                    f"You have not checked in chapter {plan.chapter} yet "
                    f"({len(behind)} chapter{'s' if len(behind) != 1 else ''} to the plan's)."
                )
            lines.append(f"{done} of {members} members have checked in chapter {plan.chapter}.")
        read_text = ", ".join(str(n) for n in read) if read else "none yet"
        return Reply(
            title=f"Reading progress of {ctx.caller.display_name}",
            text="\n".join(lines),
            fields=(Field("Chapters checked in", f"{read_text} (of {len(book.chapters)})"),),
            footer=f"{ctx.prefix}read <chapter> to check in",
        )
