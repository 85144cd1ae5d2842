"""A test-only feature: a moderator asks a lettered question, members pick with buttons.

It exercises what quizzes use (a ChoiceSet, a pick line with a token, a closing reply)
without depending on the quiz feature. Votes live in a dict the test keeps across restarts.
"""

from __future__ import annotations

from bot.app import App
from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, CommandSet, UserError
from bot.core.replies import ChoiceSet, Reply

OPTIONS = ("Bukharin", "Zinoviev", "Kamenev")


def install_poll(app: App, votes: dict[str, dict[str, str]]) -> None:
    cs = CommandSet()

    @cs.command("poll ask", "Ask the circle a lettered question", moderator=True)
    async def ask(ctx: CommandContext, args: Args) -> Reply:
        token = f"p{len(votes) + 1}"
        votes[token] = {}
        return Reply(
            title="Who sided with Stalin in 1925?",
            text="Pick one.",
            choices=ChoiceSet(OPTIONS, "poll vote", token),
            tags=frozenset({"quiz-question"}),
        )

    @cs.command(
        "poll vote",
        "Vote in a poll",
        Arg("letter", "A, B or C", required=True),
        Arg("token", "which poll", keyword="token", required=True),
    )
    async def vote(ctx: CommandContext, args: Args) -> Reply:
        token = str(args["token"])
        if token not in votes or votes[token].get("closed"):
            raise UserError("That question has closed.")
        votes[token][ctx.caller.user_id] = str(args["letter"]).upper()
        return Reply(text=f"You picked {args['letter']}.", private=True, tags=frozenset({"ack"}))

    @cs.command(
        "poll close", "Close the poll", Arg("token", "which poll", required=True), moderator=True
    )
    async def close(ctx: CommandContext, args: Args) -> Reply:
        token = str(args["token"])
        votes[token]["closed"] = "yes"
        count = len(votes[token]) - 1
        return Reply(
            text=f"Closed with {count} vote(s).",
            choices=ChoiceSet(OPTIONS, "poll vote", token, closed=True),
            tags=frozenset({"quiz-reveal"}),
        )

    app.engine.table.extend(cs.commands)
