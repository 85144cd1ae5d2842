"""What `stats`, `stats group` and `export participation` compute: figures from the daily
rows, the group's check-ins from the reading plan, charts. The reading plan and the
opt-outs belong to other features; the composition root hands this service the narrow
views of them it needs (`ReadingProgress`, `OptedOut`)."""

from __future__ import annotations

import asyncio
import csv
import io
import multiprocessing
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import ParticipationConfig
from bot.content.library import ContentStore
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import UserError
from bot.core.periods import Period, parse_period, week_start
from bot.core.refs import GroupRef, MemberRef, Place
from bot.core.replies import Attachment, Field, Reply
from bot.core.wording import chapters_checked_in, plural
from bot.features.participation.charts import ChartSpec, render
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import COUNTERS, DailyRow, Participant, ParticipationRepo
from bot.features.participation.stats import (
    activity_per_day,
    local_day,
    per_day,
    ranking,
    streaks,
    totals,
)

CHART_DAYS = 30
CSV_COLUMNS = (
    "day",
    "platform",
    "group_id",
    "channel_id",
    "user_id",
    "display_name",
    "book_id",
    "chapter",
)

TOP = 5  # members shown in the ranking

# Draws a chart off the event loop; tests may record instead.
Renderer = Callable[[ChartSpec], Awaitable[bytes]]


class ChartProcess:
    """Draws charts in a worker process. Matplotlib holds the GIL for long stretches while
    it draws, so in a thread it would stall the event loop (and every other group's
    commands) for a hundred milliseconds and more; in a process it delays only its reply.
    The process starts with the first chart and is replaced if it dies."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def __call__(self, spec: ChartSpec) -> bytes:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            try:
                return await loop.run_in_executor(self._pool, render, spec)
            except BrokenProcessPool:
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


# Whether a member opted out of participation records (asked of the database).
OptedOut = Callable[[MemberRef], Awaitable[bool]]


async def nobody_opted_out(member: MemberRef) -> bool:
    return False


class CheckInView(Protocol):
    """A member's check-in for a chapter of the group's book, as the reading plan keeps it."""

    @property
    def user_id(self) -> str: ...

    @property
    def chapter(self) -> int: ...

    @property
    def day(self) -> str: ...


@dataclass(frozen=True)
class PlanLabel:
    """The plan's chapter (None without a plan) and how the charts and texts name it."""

    chapter: int | None
    text: str


class ReadingProgress(Protocol):
    """What the stats need of the reading plan, for the book the place's group reads now."""

    async def plan_label(self, place: Place) -> tuple[int | None, str]:
        """(the plan's chapter, 'plan: chapter 15, due ...'); (None, 'no plan set')."""
        ...

    async def checkins(self, place: Place, user_id: str | None = None) -> Sequence[CheckInView]:
        """The group's check-ins for its book (one member's when `user_id` is given)."""
        ...


class NoProgress:
    """For a participation feature without a reading plan."""

    async def plan_label(self, place: Place) -> tuple[int | None, str]:
        return None, "no plan set"

    async def checkins(self, place: Place, user_id: str | None = None) -> Sequence[CheckInView]:
        return ()


def csv_cell(value: object) -> object:
    """Keep spreadsheets from running a display name as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class StatsService:
    def __init__(
        self,
        repo: ParticipationRepo,
        recorder: Recorder,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
        config: ParticipationConfig,
        progress: ReadingProgress | None = None,
        is_opted_out: OptedOut = nobody_opted_out,
    ) -> None:
        self.repo = repo
        self.recorder = recorder
        self.store = store
        self.clock = clock
        self.tz = tz
        self.config = config
        self.progress: ReadingProgress = progress or NoProgress()
        self.is_opted_out = is_opted_out
        self.charts = ChartProcess()
        self.render: Renderer = self.charts

    def today(self) -> date:
        return local_day(self.clock.now(), self.tz)

    async def period(self, group: GroupRef, text: str | None, default: str) -> Period:
        first = await self.repo.first_day(group)
        return parse_period(
            text, self.today(), date.fromisoformat(first) if first else None, default
        )

    async def plan_label(self, place: Place) -> PlanLabel:
        chapter, text = await self.progress.plan_label(place)
        return PlanLabel(chapter, text)

    async def members(self, place: Place) -> list[Participant]:
        """Members with activity or check-ins kept in the group, with their latest names
        (from the group's members, not its history)."""
        named = await self.repo.members_named(place.group)
        others = {c.user_id for c in await self.progress.checkins(place)} - named.keys()
        named.update(await self.repo.names(place.platform, others))
        return [Participant(i, named.get(i, i)) for i in sorted(named.keys() | others)]

    async def find_member(self, ctx: CommandContext, asked: str | None) -> Participant:
        place, caller = ctx.place, ctx.caller
        if not asked:
            if await self.is_opted_out(place.member(caller)):
                raise UserError(
                    f"You opted out: nothing is recorded about you. {ctx.prefix}privacy optin "
                    "to take part again."
                )
            return Participant(caller.user_id, caller.display_name)
        members = await self.members(place)
        # The text as given first (Matrix ids and some names start with @), then without @,
        # then without the platform `privacy show` prints before the id ("console:bob").
        given = asked.strip().lower()
        bare = given.removeprefix(place.platform.lower() + ":")
        found: list[Participant] = []
        for wanted in dict.fromkeys((given, given.removeprefix("@"), bare)):
            found = [m for m in members if m.user_id.lower() == wanted]
            found = found or [m for m in members if m.display_name.lower() == wanted]
            if found:
                break
        if not found:
            raise UserError(f"No participation is recorded for {asked!r} in this group.")
        if len(found) > 1:
            names = ", ".join(f"{m.display_name} ({m.user_id})" for m in found)
            raise UserError(f"Several members are called {asked!r}: {names}. Ask by id.")
        return found[0]

    async def member_stats(self, ctx: CommandContext, asked: str | None) -> Reply:
        await self.recorder.flush()
        member = await self.find_member(ctx, asked)
        place, today = ctx.place, self.today()
        days = await self.repo.member_days(place.group, member.user_id)
        name = member.display_name
        if days:
            kept = await self.repo.names(place.platform, [member.user_id])
            name = kept.get(member.user_id, member.user_id)
        week = week_start(today).isoformat()
        this_week = totals(d for d in days if d.day >= week)
        overall = totals(days)
        current, longest = streaks((date.fromisoformat(d.day) for d in days if d.total), today)
        checkins = await self.progress.checkins(place, member.user_id)
        read = sorted({c.chapter for c in checkins})
        chapters = (await self.store.book_for(place)).numbers
        plan = await self.plan_label(place)
        period = Period(today - timedelta(days=CHART_DAYS - 1), today, "")
        png = await self.render(
            ChartSpec(
                title=f"{name}: the last {CHART_DAYS} days",
                days=period.days,
                bars=activity_per_day(days, period),
                bars_label="activity",
                chapters=chapters,
                progress=[1 if n in read else 0 for n in chapters],
                progress_label="checked in",
                width=self.config.chart_width,
                height=self.config.chart_height,
                plan_chapter=plan.chapter,
                plan_label=plan.text,
            )
        )
        fields = (
            Field("This week", this_week.describe()),
            Field("Overall", overall.describe()),
            Field(
                "Streak",
                f"{plural(current, 'active day')} in a row (longest {longest})",
            ),
            Field("Chapters checked in", chapters_checked_in(read, len(chapters))),
            Field("Quiz accuracy", overall.accuracy()),
        )
        return Reply(
            title=f"Participation of {name}",
            fields=fields,
            image=Attachment(f"stats-{today.isoformat()}.png", png, "image/png"),
            footer="Days are counted in the " + str(self.tz) + " timezone.",
        )

    async def group_stats(self, ctx: CommandContext, text: str | None) -> Reply:
        await self.recorder.flush()
        place = ctx.place
        period = await self.period(place.group, text, "30d")
        first, last = period.first.isoformat(), period.last.isoformat()
        days = await self.repo.group_days(place.group, first, last)
        who = await self.repo.period_members(place.group, first, last, TOP)
        overall = totals(days)
        posts, members_per_day = per_day(days, period)
        n_days = len(period.days)
        all_checkins = await self.progress.checkins(place)
        per_chapter = Counter(c.chapter for c in all_checkins if first <= c.day <= last)
        readers = Counter(c.chapter for c in all_checkins)
        members = await self.repo.member_count(place.group, (c.user_id for c in all_checkins))
        chapters = (await self.store.book_for(place)).numbers
        plan = await self.plan_label(place)
        fields = [
            Field("Active members", str(who.active)),
            Field(
                "Messages per day",
                f"{overall.posts / n_days:.1f} ({overall.posts} in {plural(n_days, 'day')})",
            ),
            Field(
                "Check-ins per chapter",
                ", ".join(f"chapter {n}: {k}" for n, k in sorted(per_chapter.items()))
                or "none in this period",
            ),
            Field("Quiz accuracy", overall.accuracy()),
        ]
        if self.config.leaderboard:
            top = ranking(who.top, TOP)
            fields.append(
                Field(
                    "Top participants (messages, replies and reactions)",
                    "\n".join(
                        f"{i}. {name}: {t.ranked} ({t.ranked_parts()})"
                        for i, (name, t) in enumerate(top, 1)
                    )
                    or "nobody yet",
                )
            )
            fields.append(
                Field(
                    "Commands to the bot (not ranked)",
                    f"{plural(overall.commands, 'command')} by {plural(who.commanders, 'member')}",
                )
            )
        png = await self.render(
            ChartSpec(
                title=f"The group: {period.label}",
                days=period.days,
                bars=posts,
                bars_label="messages",
                line=members_per_day,
                line_label="active members",
                chapters=chapters,
                progress=[readers[n] for n in chapters],
                progress_label="members checked in (all time)",
                progress_max=members,
                width=self.config.chart_width,
                height=self.config.chart_height,
                plan_chapter=plan.chapter,
                plan_label=plan.text,
            )
        )
        return Reply(
            title=f"Group participation: {period.label}",
            text=plan.text[0].upper() + plan.text[1:] + ".",
            fields=tuple(fields),
            image=Attachment(f"stats-group-{last}.png", png, "image/png"),
        )

    async def export(self, ctx: CommandContext, text: str | None) -> Reply:
        await self.recorder.flush()
        place = ctx.place
        period = await self.period(place.group, text, "all")
        first, last = period.first.isoformat(), period.last.isoformat()
        rows = await self.repo.daily(place.group, first, last)
        return Reply(
            text=f"{plural(len(rows), 'daily row')}, {period.label}.",
            file=Attachment(f"participation-{first}-to-{last}.csv", to_csv(rows), "text/csv"),
            private=True,
        )


def to_csv(rows: list[DailyRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*CSV_COLUMNS, *COUNTERS))
    for r in rows:
        writer.writerow(
            csv_cell(v)
            for v in (
                r.day,
                r.platform,
                r.group_id,
                r.channel_id,
                r.user_id,
                r.display_name,
                r.book_id or "",
                r.chapter or "",
                *(getattr(r, c) for c in COUNTERS),
            )
        )
    # A byte-order mark first: spreadsheets then read the file as UTF-8 (Cyrillic names).
    return out.getvalue().encode("utf-8-sig")
