"""`help`: what the caller may run, from the one command table, and the notes features
and adapters add to it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Command, Commands, UserError
from bot.core.feature import BaseFeature
from bot.core.replies import Reply

commands: Commands[None] = Commands()


@commands.command(
    "help",
    "List the commands you can use, or explain one",
    Arg("command", "a command to explain", kind=ArgKind.TEXT, metavar="command"),
)
async def help_(_: None, ctx: CommandContext, args: Args) -> Reply:
    table = ctx.engine.table
    asked = args.text("command")
    visible = [c for c in table if ctx.is_moderator or not c.moderator]
    if asked:
        wanted = asked.lower().lstrip("/!")
        matches = [c for c in visible if c.name == wanted or c.name.startswith(wanted + " ")]
        if not matches:
            raise UserError(f"No command {asked!r} that you can use. Type {ctx.prefix}help.")
        lines = []
        for c in matches:
            lines.append(f"{c.usage(ctx.prefix)}\n  {c.description}")
            lines.extend(f"  {a.usage()}: {a.help}" for a in c.visible_args)
            if c.details:
                lines.append(f"  {c.details}")
        return Reply(text="\n".join(lines))
    lines = [
        f"{c.usage(ctx.prefix)} - {c.description}"
        + (" (operators)" if c.operator else " (moderators)" if c.moderator else "")
        for c in sorted(visible, key=lambda c: c.name)
    ]
    text = "\n".join(lines)
    if ctx.engine.help_notes:
        text += "\n\n" + "\n".join(ctx.engine.help_notes)
    return Reply(
        title="Kruzhok commands",
        text=text,
        footer=f"{ctx.prefix}help <command> explains one command",
    )


class HelpFeature(BaseFeature):
    name = "help"

    def commands(self) -> Sequence[Command]:
        return commands.bind(None)
