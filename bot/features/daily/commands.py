"""`daily set|off|status|now`: module-level handlers over the DailyService."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, Commands, UserError
from bot.core.replies import Field, Reply
from bot.core.timeofday import format_time, parse_time
from bot.features.daily.model import ChapterScope, ScopeKind
from bot.features.daily.service import DailyService, from_epoch
from bot.features.daily.zones import ZoneChoice, looks_like_timezone, resolve_timezone

commands: Commands[DailyService] = Commands()


def as_time(raw: str) -> str:
    return format_time(parse_time(raw))


def check_timezone_name(raw: str, year: int) -> ZoneChoice:
    """The IANA name for `raw` (with a warning for a fixed offset), or a UserError saying
    which city zones to use instead."""
    try:
        return resolve_timezone(raw, year)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def when(at: datetime, zone: str) -> str:
    """'Sat 21 Nov 2026, 09:00 GMT (Europe/London) = 09:00 UTC'; without what would repeat
    itself: 'Sat 21 Nov 2026, 09:00 UTC' for UTC."""
    local = at.astimezone(ZoneInfo(zone))
    utc = at.astimezone(UTC)
    abbreviation = local.strftime("%Z")
    text = local.strftime("%a %d %b %Y, %H:%M %Z")
    if abbreviation != zone:
        text += f" ({zone})"
    if abbreviation == "UTC":
        return text
    utc_text = utc.strftime("%H:%M UTC")
    if utc.date() != local.date():
        utc_text = utc.strftime("%a %d %b, %H:%M UTC")
    return f"{text} = {utc_text}"


def stamp(seconds: int) -> str:
    return from_epoch(seconds).strftime("%a %d %b %Y, %H:%M UTC")


@commands.command(
    "daily set",
    "Post a quote here every day (what you leave out keeps its value)",
    Arg("time", "time of day, 24-hour HH:MM", keyword="time", convert=as_time, metavar="HH:MM"),
    Arg(
        "timezone",
        "IANA timezone name, like Europe/London",
        keyword="timezone",
        hint="timezone",
        shape=looks_like_timezone,
        metavar="Area/City",
    ),
    Arg(
        "chapter",
        "a chapter number, current (the reading plan's chapter) or all",
        keyword="chapter",
        convert=ChapterScope.parse,
        metavar="N|current|all",
    ),
    Arg(
        "prompt",
        "add a discussion prompt from the same chapter",
        keyword="prompt",
        choices=("on", "off"),
        metavar="on|off",
    ),
    moderator=True,
    keeps_member_data=True,  # who set it
    details=(
        "A time that does not exist on a daylight-saving day posts at the first valid "
        "minute after it; a time that happens twice posts once."
    ),
)
async def daily_set(daily: DailyService, ctx: CommandContext, args: Args) -> Reply:
    zone = args.text("timezone")
    prompt = args.text("prompt")
    chapter = args.get("chapter")
    choice = check_timezone_name(zone, ctx.now.year) if zone else None
    settings, run, problem = await daily.set(
        ctx.place,
        ctx.caller.user_id,
        local_time=args.text("time"),
        timezone=choice.name if choice else None,
        chapter=chapter if isinstance(chapter, ChapterScope) else None,
        prompt=None if prompt is None else prompt == "on",
    )
    text = (
        f"Every day at {settings.local_time} ({settings.timezone}): a quote from "
        f"{settings.chapter.describe()}, discussion prompt "
        f"{'on' if settings.prompt else 'off'}.\nNext post: {when(run.at, settings.timezone)}."
    )
    if problem is not None:
        text += f"\nBut: {problem}."
    if choice is not None and choice.warning is not None:
        text += f"\nNote: {choice.warning}."
    return Reply(title="Daily quote on", text=text)


@commands.command(
    "daily off",
    "Stop the daily quote here (settings are kept)",
    moderator=True,
    keeps_member_data=True,  # who turned it off
)
async def daily_off(daily: DailyService, ctx: CommandContext, args: Args) -> Reply:
    if await daily.turn_off(ctx.place, ctx.caller.user_id):
        return Reply(text=f"Daily quotes are off here. {ctx.prefix}daily set turns them on again.")
    return Reply(text="Daily quotes were not on here; nothing changed.")


@commands.command(
    "daily status", "When the next daily quote comes, and how the last one went", group_default=True
)
async def daily_status(daily: DailyService, ctx: CommandContext, args: Args) -> Reply:
    status = await daily.status(ctx.place)
    row = status.row
    if row is None:
        return Reply(
            text=f"No daily quote here. A moderator can start one with {ctx.prefix}daily set."
        )
    settings = row.settings
    chapter = settings.chapter.describe()
    if settings.chapter.kind is ScopeKind.CURRENT:
        chapter += (
            f" (now chapter {status.current_chapter})"
            if status.current_chapter is not None
            else " (no reading plan: all chapters)"
        )
    fields = [
        Field(
            "Schedule",
            f"every day at {settings.local_time} ({settings.timezone}); quotes from {chapter}; "
            f"discussion prompt {'on' if settings.prompt else 'off'}",
        ),
        Field(
            "Next post",
            when(status.next_run, settings.timezone)
            if row.enabled and status.next_run is not None
            else f"none: daily quotes are off here ({ctx.prefix}daily set turns them on)",
        ),
        Field("Book", f"{status.book.meta.title} ({status.book.meta.id})"),
        Field("Cycle", f"{status.seen} of {status.eligible} quotes posted in this round"),
    ]
    if status.problem is not None:
        fields.append(Field("Problem", status.problem))
    if row.last_post_at is not None:
        fields.append(Field("Last post", stamp(row.last_post_at)))
    if row.last_error is not None and row.last_error_at is not None:
        fields.append(Field("Last failure", f"{stamp(row.last_error_at)}: {row.last_error}"))
    return Reply(
        title=f"Daily quote: {'on' if row.enabled else 'off'}",
        fields=tuple(fields),
    )


@commands.command(
    "daily now",
    "Post a quote from this channel's cycle now",
    moderator=True,
    keeps_member_data=True,  # who asked
)
async def daily_now(daily: DailyService, ctx: CommandContext, args: Args) -> list[Reply]:
    return await daily.post_now(ctx.place, ctx.caller.user_id)
