"""`stats [member]`, `stats group [period]` (with charts) and `export participation [period]`."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Commands
from bot.core.periods import PERIOD_HELP, as_period
from bot.core.replies import Reply
from bot.features.participation.service import StatsService

commands: Commands[StatsService] = Commands()


# What each period means is said once, in `help` (the participation feature's note).
PERIOD = Arg("period", PERIOD_HELP, convert=as_period, metavar="period")


@commands.command(
    "stats",
    "Your participation (or a member's): this week, overall, streak, chapters, quiz",
    Arg("member", "display name or id", kind=ArgKind.TEXT, hint="member", metavar="member"),
)
async def stats(service: StatsService, ctx: CommandContext, args: Args) -> Reply:
    member = args.text("member")
    # `stats me` (the name Discord shows this command by) is the caller's own.
    if member is not None and member.lower() == "me":
        member = None
    return await service.member_stats(ctx, member)


@commands.command(
    "stats group",
    "The group's participation over a period (the last 30 days by default)",
    PERIOD,
)
async def stats_group(service: StatsService, ctx: CommandContext, args: Args) -> Reply:
    return await service.group_stats(ctx, args.text("period"))


@commands.command(
    "export participation",
    "The daily participation rows as a CSV file (all time by default)",
    PERIOD,
    moderator=True,
)
async def export_participation(service: StatsService, ctx: CommandContext, args: Args) -> Reply:
    return await service.export(ctx, args.text("period"))
