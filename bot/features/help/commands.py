"""`help`: what the caller may run, from the one command table."""

from __future__ import annotations

from bot.core.commands import Arg, ArgKind, Args, CommandSet, UserError
from bot.core.engine import CommandContext
from bot.core.replies import Reply


def help_commands(notes: list[str] | None = None) -> CommandSet:
    """`notes` are extra lines features add to help (e.g. how quiz points are counted)."""
    cs = CommandSet()
    extra = notes if notes is not None else []

    @cs.command(
        "help",
        "List the commands you can use, or explain one",
        Arg("command", "a command to explain", kind=ArgKind.TEXT, metavar="command"),
    )
    async def help_(ctx: CommandContext, args: Args) -> Reply:
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
                lines.extend(f"  {a.usage()}: {a.help}" for a in c.args)
                if c.details:
                    lines.append(f"  {c.details}")
            return Reply(text="\n".join(lines))
        lines = [
            f"{c.usage(ctx.prefix)} - {c.description}" + (" (moderators)" if c.moderator else "")
            for c in sorted(visible, key=lambda c: c.name)
        ]
        text = "\n".join(lines)
        if extra:
            text += "\n\n" + "\n".join(extra)
        return Reply(
            title="Kruzhok commands",
            text=text,
            footer=f"{ctx.prefix}help <command> explains one command",
        )

    return cs
