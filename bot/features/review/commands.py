"""The review commands, declared at module level: review (next), review answer, review
status, review remind on|off, review export. Each handler takes the ReviewFeature's parts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Commands
from bot.core.replies import Reply
from bot.features.review.export import export_replies
from bot.features.review.model import SLOW_RULE
from bot.features.review.reminders import Reminders
from bot.features.review.service import ReviewService


@dataclass(frozen=True)
class Review:
    """What the handlers use: the service and the reminders."""

    service: ReviewService
    reminders: Reminders


commands: Commands[Review] = Commands()


@commands.command(
    "review next",
    "Your next quiz item to review, privately (what you missed, on a schedule)",
    group_default=True,
    keeps_member_data=True,  # the item shown
    details="The quiz items you miss in a group quiz or in practice, and those you get right "
    f"but slowly ({SLOW_RULE}), come back here on a spaced-repetition schedule (FSRS): the "
    "next day, then at growing intervals while you answer right; a wrong answer brings the "
    "item back the next day. Answer with `review answer`.",
)
async def review_next(review: Review, ctx: CommandContext, args: Args) -> Reply:
    return await review.service.next(ctx)


@commands.command(
    "review answer",
    "Answer the review item you were shown: a letter, or words",
    Arg(
        "token",
        "the item the answer is for (set by buttons and reactions)",
        keyword="token",
        metavar="id",
        hidden=True,
    ),
    Arg("answer", "your answer", kind=ArgKind.TEXT, required=True),
    keeps_member_data=True,
)
async def review_answer(review: Review, ctx: CommandContext, args: Args) -> list[Reply]:
    return await review.service.answer(ctx, args.text("answer") or "", args.text("token"))


@commands.command("review status", "How many of your review items are due today and this week")
async def review_status(review: Review, ctx: CommandContext, args: Args) -> Reply:
    return await review.service.status(ctx)


@commands.command(
    "review remind",
    "A private note once a day, at this channel's daily time, when items are due",
    Arg("state", "on or off", choices=("on", "off"), required=True, metavar="on|off"),
    keeps_member_data=True,
)
async def review_remind(review: Review, ctx: CommandContext, args: Args) -> Reply:
    member = await review.service.member(ctx)
    if args.text("state") == "off":
        was = await review.reminders.turn_off(member)
        text = "Review reminders are off." if was else "Review reminders were not on."
        return Reply(text=text, private=True)
    when = await review.reminders.turn_on(member, ctx.place)
    shown = f"{when:%Y-%m-%d %H:%M} ({when.tzinfo})"
    return Reply(
        text=f"Review reminders are on: a private note at this channel's daily time when "
        f"items are due; the next check is at {shown}. "
        f"{ctx.prefix}review remind off stops them.",
        private=True,
    )


@commands.command("review export", "Your review items as an Anki deck (.apkg) and as CSV")
async def review_export(review: Review, ctx: CommandContext, args: Args) -> list[Reply]:
    member = await review.service.member(ctx)
    items = await review.service.repo.all(member)
    if not items:
        return [Reply(text="You have no review items to export yet.", private=True)]
    return export_replies(items, ctx.now)
