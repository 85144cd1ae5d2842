"""`privacy optout|optin|delete|show`: module-level handlers over PrivacyService."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Commands
from bot.core.replies import NO_TRACE, Reply
from bot.features.privacy.service import PrivacyService

commands: Commands[PrivacyService] = Commands()


@commands.command("privacy optout", "Stop recording your participation and delete what was kept")
async def privacy_optout(privacy: PrivacyService, ctx: CommandContext, args: Args) -> Reply:
    await privacy.delete(ctx.place.member(ctx.caller), opt_out=True)
    return Reply(
        text="Done: your participation is no longer recorded, and what was kept about "
        "you (activity counts, check-ins, your display name, your quiz answers and practice) "
        f"is deleted. {ctx.prefix}privacy optin to take part again.",
        private=True,
    )


@commands.command("privacy optin", "Record your participation again")
async def privacy_optin(privacy: PrivacyService, ctx: CommandContext, args: Args) -> Reply:
    was = await privacy.opt_in(ctx.place.member(ctx.caller))
    text = (
        "Welcome back: your participation is recorded again from now on."
        if was
        else "You had not opted out: your participation is recorded."
    )
    return Reply(text=text, private=True)


@commands.command(
    "privacy delete",
    "Delete what is kept about you (recording goes on; optout stops it)",
    Arg(
        "confirm",
        "delete now (without it, only what would be deleted is said)",
        kind=ArgKind.FLAG,
        type=bool,
    ),
)
async def privacy_delete(privacy: PrivacyService, ctx: CommandContext, args: Args) -> Reply:
    # Neither the question nor the deletion is recorded as the member's activity.
    if not args.flag("confirm"):
        return Reply(
            text="This deletes what is kept about you (activity counts, check-ins, your "
            "display name, your quiz answers and practice); it cannot be undone. Nothing "
            f"is deleted yet: type {ctx.prefix}privacy delete confirm to do it. "
            f"{ctx.prefix}privacy show lists what is kept.",
            private=True,
            tags=frozenset({NO_TRACE}),
        )
    await privacy.delete(ctx.place.member(ctx.caller), opt_out=False)
    return Reply(
        text="Done: what was kept about you (activity counts, check-ins, your display "
        "name, your quiz answers and practice) is deleted, and this command left no trace. "
        f"Recording goes on from your next message; {ctx.prefix}privacy optout stops it.",
        private=True,
        tags=frozenset({NO_TRACE}),
    )


@commands.command("privacy show", "What is kept about you", group_default=True)
async def privacy_show(privacy: PrivacyService, ctx: CommandContext, args: Args) -> Reply:
    member = ctx.place.member(ctx.caller)
    lines = [f"Your id: {member.platform}:{member.user_id}"]
    if await privacy.is_opted_out(member):
        lines.append(
            "You opted out: nothing is recorded about you; only the opt-out itself "
            "(a one-way digest of your id, and its date) is kept, so that it can be honoured."
        )
    lines.extend(await privacy.kept(member))
    lines.append("What you write in the channel is never kept; asking this leaves no trace.")
    return Reply(
        title="What is kept about you",
        text="\n".join(lines),
        private=True,
        tags=frozenset({NO_TRACE}),
    )
