"""`spoilers` (`spoilers show`) and `spoilers set off|plan|member`."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, Commands
from bot.core.replies import Reply
from bot.core.spoilers import SpoilerMode
from bot.features.spoilers.service import SpoilersService

commands: Commands[SpoilersService] = Commands()

MODES = tuple(m.value for m in SpoilerMode)


def _your_line(line_limit: int | None, source: str, mode: SpoilerMode) -> str:
    if mode is SpoilerMode.OFF:
        return "Nothing is hidden."
    if line_limit is None:
        return "Your line: none yet (no reading plan is set), so nothing is hidden."
    return f"Your line: chapter {line_limit} ({source})."


def _how(prefix: str, mode: SpoilerMode) -> str:
    parts = [
        "What lies past the line is hidden behind spoiler markup, or shown to you privately "
        f"with `spoil` ({prefix}summary 3 spoil, {prefix}quote 3 spoil, "
        f"{prefix}discuss 3 spoil, {prefix}glossary TERM spoil)."
    ]
    if mode is SpoilerMode.MEMBER:
        parts.append(f"{prefix}read N checks you in to chapter N and moves your line.")
    return " ".join(parts)


@commands.command(
    "spoilers show",
    "The group's spoiler shield and what it means",
    group_default=True,
)
async def spoilers_show(spoilers: SpoilersService, ctx: CommandContext, args: Args) -> Reply:
    mode = await spoilers.mode(ctx.place.group)
    line = await spoilers.line_of(ctx.place, ctx.place.member(ctx.caller))
    text = f"Spoiler shield: {mode.value}. With {mode.value}, {mode.meaning}."
    text += " " + _your_line(line.limit, line.source, mode)
    if mode is not SpoilerMode.OFF:
        text += "\n" + _how(ctx.prefix, mode)
    others = "; ".join(f"{m.value}: {m.meaning}" for m in SpoilerMode if m is not mode)
    return Reply(
        title="Spoiler shield",
        text=f"{text}\nOther modes: {others}.",
        footer=f"moderators: {ctx.prefix}spoilers set off|plan|member",
    )


@commands.command(
    "spoilers set",
    "Set the group's spoiler shield: off, plan or member",
    # Named like other keyword arguments (daily set time HH:MM), so that both
    # `spoilers set plan` and `spoilers set mode plan` work.
    Arg("mode", "off, plan or member", required=True, choices=MODES, keyword="mode"),
    moderator=True,
)
async def spoilers_set(spoilers: SpoilersService, ctx: CommandContext, args: Args) -> Reply:
    mode = SpoilerMode(args.text("mode"))
    await spoilers.set_mode(ctx.place.group, mode)
    return Reply(text=f"Spoiler shield set to {mode.value}: {mode.meaning}.")
