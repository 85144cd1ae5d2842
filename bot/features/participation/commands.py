"""`stats [member]`, `stats group [period]` (with charts) and `export participation [period]`."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.config import ParticipationConfig
from bot.content.library import ContentStore
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, CommandSet, UserError
from bot.core.refs import Place
from bot.core.replies import Attachment, Field, Reply
from bot.features.participation.charts import ChartSpec, render_png
from bot.features.participation.recorder import Recorder
from bot.features.participation.repo import COUNTERS, DailyRow, Participant, ParticipationRepo
from bot.features.participation.stats import (
    PERIOD_HELP,
    Period,
    local_day,
    parse_period,
    per_day,
    ranking,
    streaks,
    totals,
    week_start,
)
from bot.features.plan.plan import ReadingPlan, due_text
from bot.features.privacy.privacy import Privacy

CHART_DAYS = 30
CSV_COLUMNS = ("day", "platform", "group_id", "channel_id", "user_id", "display_name", "chapter")


def as_period(raw: str) -> str:
    parse_period(raw, date(2000, 1, 1), None, raw)  # raises ValueError on a bad form
    return raw.lower()


def csv_cell(value: object) -> object:
    """Keep spreadsheets from running a display name as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class StatsCommands:
    def __init__(
        self,
        repo: ParticipationRepo,
        recorder: Recorder,
        plan: ReadingPlan,
        privacy: Privacy,
        store: ContentStore,
        clock: Clock,
        tz: ZoneInfo,
        config: ParticipationConfig,
    ) -> None:
        self.repo = repo
        self.recorder = recorder
        self.plan = plan
        self.privacy = privacy
        self.store = store
        self.clock = clock
        self.tz = tz
        self.config = config

    def today(self) -> date:
        return local_day(self.clock.now(), self.tz)

    async def period(self, place: Place, text: str | None, default: str) -> Period:
        first = await self.repo.first_day(place.platform, place.group_id)
        return parse_period(
            text, self.today(), date.fromisoformat(first) if first else None, default
        )

    async def find_member(self, ctx: CommandContext, asked: str | None) -> Participant:
        place, caller = ctx.place, ctx.caller
        if not asked:
            if self.privacy.is_opted_out(place.platform, caller.user_id):
                raise UserError(
                    f"You opted out: nothing is recorded about you. {ctx.prefix}privacy optin "
                    "to take part again."
                )
            return Participant(caller.user_id, caller.display_name)
        members = await self.repo.members(place.platform, place.group_id)
        # The text as given first (Matrix ids and some names start with @), then without @.
        given = asked.strip().lower()
        found: list[Participant] = []
        for wanted in dict.fromkeys((given, given.removeprefix("@"))):
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

    def plan_label(self, place: Place) -> tuple[int | None, str]:
        plan = self.plan.plan(place)
        if plan is None or plan.chapter is None:
            return None, "no plan set"
        return plan.chapter, f"plan: chapter {plan.chapter}, {due_text(plan.due, self.today())}"

    async def member_stats(self, ctx: CommandContext, asked: str | None) -> Reply:
        await self.recorder.flush()
        member = await self.find_member(ctx, asked)
        place, today = ctx.place, self.today()
        rows = await self.repo.daily(place.platform, place.group_id, user_id=member.user_id)
        name = rows[-1].display_name if rows else member.display_name
        week = week_start(today).isoformat()
        this_week = totals(r for r in rows if r.day >= week)
        overall = totals(rows)
        current, longest = streaks((date.fromisoformat(r.day) for r in rows if r.total), today)
        checkins = await self.repo.checkins(place.platform, place.group_id, member.user_id)
        read = sorted({c.chapter for c in checkins})
        chapters = self.store.book.numbers
        plan_chapter, plan_label = self.plan_label(place)
        period = Period(today - timedelta(days=CHART_DAYS - 1), today, "")
        per = {d: 0 for d in (x.isoformat() for x in period.days)}
        for row in rows:
            if row.day in per:
                per[row.day] += row.total
        png = await render_png(
            ChartSpec(
                title=f"{name}: the last {CHART_DAYS} days",
                days=period.days,
                bars=list(per.values()),
                bars_label="activity",
                chapters=chapters,
                progress=[1 if n in read else 0 for n in chapters],
                progress_label="checked in",
                width=self.config.chart_width,
                height=self.config.chart_height,
                plan_chapter=plan_chapter,
                plan_label=plan_label,
            )
        )
        fields = (
            Field("This week", this_week.describe()),
            Field("Overall", overall.describe()),
            Field(
                "Streak",
                f"{current} active day{'s' if current != 1 else ''} in a row (longest {longest})",
            ),
            Field(
                "Chapters checked in",
                (", ".join(str(n) for n in read) if read else "none yet")
                + f" (of {len(chapters)})",
            ),
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
        period = await self.period(place, text, "30d")
        rows = await self.repo.daily(
            place.platform, place.group_id, period.first.isoformat(), period.last.isoformat()
        )
        active = {r.user_id for r in rows if r.total}
        overall = totals(rows)
        posts, members_per_day = per_day(rows, period)
        n_days = len(period.days)
        checkins = [
            c
            for c in await self.repo.checkins(place.platform, place.group_id)
            if period.first.isoformat() <= c.day <= period.last.isoformat()
        ]
        per_chapter = Counter(c.chapter for c in checkins)
        all_checkins = await self.repo.checkins(place.platform, place.group_id)
        readers = Counter(c.chapter for c in all_checkins)
        members = await self.repo.members(place.platform, place.group_id)
        chapters = self.store.book.numbers
        plan_chapter, plan_label = self.plan_label(place)
        fields = [
            Field("Active members", str(len(active))),
            Field(
                "Messages per day",
                f"{overall.posts / n_days:.1f} ({overall.posts} in {n_days} day"
                f"{'s' if n_days != 1 else ''})",
            ),
            Field(
                "Check-ins per chapter",
                ", ".join(f"chapter {n}: {k}" for n, k in sorted(per_chapter.items()))
                or "none in this period",
            ),
            Field("Quiz accuracy", overall.accuracy()),
        ]
        if self.config.leaderboard:
            top = ranking(rows)
            fields.append(
                Field(
                    "Top participants",
                    "\n".join(f"{i}. {n} ({k})" for i, (n, k) in enumerate(top, 1)) or "nobody yet",
                )
            )
        png = await render_png(
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
                progress_max=len(members),
                width=self.config.chart_width,
                height=self.config.chart_height,
                plan_chapter=plan_chapter,
                plan_label=plan_label,
            )
        )
        return Reply(
            title=f"Group participation: {period.label}",
            text=plan_label[0].upper() + plan_label[1:] + ".",
            fields=tuple(fields),
            image=Attachment(f"stats-group-{period.last.isoformat()}.png", png, "image/png"),
        )

    async def export(self, ctx: CommandContext, text: str | None) -> Reply:
        await self.recorder.flush()
        place = ctx.place
        period = await self.period(place, text, "all")
        rows = await self.repo.daily(
            place.platform, place.group_id, period.first.isoformat(), period.last.isoformat()
        )
        return Reply(
            text=f"{len(rows)} daily row(s), {period.label}.",
            file=Attachment(
                f"participation-{period.first.isoformat()}-to-{period.last.isoformat()}.csv",
                to_csv(rows),
                "text/csv",
            ),
            private=True,
        )

    def commands(self) -> CommandSet:
        cs = CommandSet()
        period = Arg("period", PERIOD_HELP, convert=as_period, metavar="period")

        @cs.command(
            "stats",
            "Your participation (or a member's): this week, overall, streak, chapters, quiz",
            Arg("member", "display name or id", kind=ArgKind.TEXT, hint="member", metavar="member"),
        )
        async def stats(ctx: CommandContext, args: Args) -> Reply:
            return await self.member_stats(ctx, args.text("member"))

        @cs.command(
            "stats group",
            "The group's participation over a period (the last 30 days by default)",
            period,
            details=f"period: {PERIOD_HELP}.",
        )
        async def stats_group(ctx: CommandContext, args: Args) -> Reply:
            return await self.group_stats(ctx, args.text("period"))

        @cs.command(
            "export participation",
            "The daily participation rows as a CSV file (all time by default)",
            period,
            moderator=True,
            details=f"period: {PERIOD_HELP}.",
        )
        async def export(ctx: CommandContext, args: Args) -> Reply:
            return await self.export(ctx, args.text("period"))

        return cs


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
                r.chapter or "",
                *(getattr(r, c) for c in COUNTERS),
            )
        )
    return out.getvalue().encode("utf-8")
