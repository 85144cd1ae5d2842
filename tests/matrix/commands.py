"""A small poll command set that stands in for any feature posting a ChoiceSet, a chart
or a file."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, CommandSet
from bot.core.replies import Attachment, ChoiceSet, Reply


def poll_commands(picks: dict[str, str]) -> CommandSet:
    cs = CommandSet()

    @cs.command("colours", "Post a lettered question (a poll of colours)")
    async def poll(ctx: CommandContext, args: Args) -> Reply:
        return Reply(
            text="Which colour?",
            choices=ChoiceSet(("red", "green", "blue"), "pick", "p1", withdraw="unpick"),
            tags=frozenset({"quiz-question"}),
        )

    @cs.command(
        "pick", "Pick", Arg("letter", "A-C", required=True), Arg("token", "t", keyword="token")
    )
    async def pick(ctx: CommandContext, args: Args) -> Reply:
        picks[ctx.caller.user_id] = str(args.text("letter")).upper()
        return Reply(text="Noted.", private=True, tags=frozenset({"ack"}))

    @cs.command("unpick", "Withdraw", Arg("token", "t", keyword="token"))
    async def unpick(ctx: CommandContext, args: Args) -> Reply:
        picks.pop(ctx.caller.user_id, None)
        return Reply(text="Withdrawn.", private=True, tags=frozenset({"ack"}))

    @cs.command("chart", "A chart and a file")
    async def chart(ctx: CommandContext, args: Args) -> Reply:
        return Reply(
            text="Here it is",
            image=Attachment("chart.png", b"\x89PNG\r\n\x1a\nfake", "image/png"),
            file=Attachment("export.csv", b"user,count\nalice,3\n", "text/csv"),
        )

    @cs.command("secret", "A private file")
    async def secret(ctx: CommandContext, args: Args) -> Reply:
        return Reply(
            text="Your export",
            file=Attachment("mine.csv", b"day,count\n", "text/csv"),
            private=True,
        )

    @cs.command("big", "A reply past the Matrix event size limit", Arg("lines", "n"))
    async def big(ctx: CommandContext, args: Args) -> Reply:
        count = int(args.text("lines") or "2000")
        return Reply(text="\n".join(big_line(i) for i in range(count)))

    return cs


def big_line(i: int) -> str:
    """A line of the !big reply: HTML to escape and non-ASCII text to count as bytes."""
    return f"{i:05d} <b>kruzhok</b> & кружок — a reading circle"
