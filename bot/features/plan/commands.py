"""`plan set|show|clear`, `read` and `progress`: module-level handlers over PlanService."""

from __future__ import annotations

import re
from datetime import date

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, Args, Commands, UserError, as_int
from bot.core.replies import Field, Reply
from bot.core.wording import chapters_checked_in
from bot.features.plan.service import PlanService, chapter_title, due_text

commands: Commands[PlanService] = Commands()


def as_date(raw: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        raise ValueError("expected a date like 2026-12-01 (year-month-day)")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError("expected a real date like 2026-12-01 (year-month-day)") from None


@commands.command(
    "plan set",
    "Set the chapter the group reads now and its due date",
    Arg("chapter", "chapter number", convert=as_int, type=int, hint="chapter", required=True),
    Arg("due", "due date, year-month-day", keyword="due", convert=as_date, metavar="date"),
    moderator=True,
)
async def plan_set(plan: PlanService, ctx: CommandContext, args: Args) -> list[Reply]:
    number = args.int("chapter")
    assert number is not None
    book = await plan.book(ctx.place)
    if book.chapter(number) is None:
        raise UserError(f"There is no chapter {number}. Chapters: {book.chapter_list()}.")
    due: date | None = args.get("due")
    today = plan.today()
    if due is not None and due < today:
        raise UserError(
            f"The due date {due.isoformat()} is in the past (today is {today.isoformat()})."
        )
    made = await plan.set(ctx.place, book, number, due)
    replies = [
        Reply(
            title="Reading plan set",
            text=f"The group reads {chapter_title(book, number)}, {due_text(made.due, today)}.",
            footer=f"Members check in with {ctx.prefix}read {number}",
        )
    ]
    for listener in plan.reached:
        if (said := await listener(ctx.place, number, ctx.prefix)) is not None:
            replies.append(said)
    return replies


@commands.command("plan clear", "Clear the reading plan", moderator=True)
async def plan_clear(plan: PlanService, ctx: CommandContext, args: Args) -> Reply:
    book = await plan.book(ctx.place)
    if await plan.plan(ctx.place, book) is None:
        raise UserError("There is no reading plan to clear.")
    await plan.set(ctx.place, book, None, None)
    return Reply(text="The reading plan is cleared.")


@commands.command(
    "plan show", "The chapter the group reads now and its due date", group_default=True
)
async def plan_show(plan: PlanService, ctx: CommandContext, args: Args) -> Reply:
    book = await plan.book(ctx.place)
    current = await plan.plan(ctx.place, book)
    if current is None or current.chapter is None:
        return Reply(
            text="No reading plan is set. A moderator sets one with "
            f"{ctx.prefix}plan set <chapter> due <year-month-day>."
        )
    done, members = await plan.readers(ctx.place, book, current.chapter)
    history = [
        p
        for p in await plan.repo.plan_history(ctx.place.group, book.meta.id)
        if p.chapter is not None
    ]
    earlier = [
        f"chapter {p.chapter}, {'due ' + p.due if p.due else 'no due date'} (set {p.set_at[:10]})"
        for p in history[-6:-1]
    ]
    fields = [Field("Checked in", f"{done} of {members} members")]
    if earlier:
        fields.append(Field("Earlier plans", "\n".join(reversed(earlier))))
    return Reply(
        title="Reading plan",
        text=f"The group reads {chapter_title(book, current.chapter)}, "
        f"{due_text(current.due, plan.today())}.",
        fields=tuple(fields),
    )


@commands.command(
    "read",
    "Check in: you have read a chapter (the plan's chapter when none is given)",
    Arg("chapter", "chapter number", convert=as_int, type=int, hint="chapter"),
    keeps_member_data=True,
)
async def read(plan: PlanService, ctx: CommandContext, args: Args) -> Reply:
    book = await plan.book(ctx.place)
    current = await plan.plan(ctx.place, book)
    number = args.int("chapter") or (current.chapter if current else None)
    if number is None:
        raise UserError(f"Which chapter? {ctx.prefix}read <chapter>")
    if book.chapter(number) is None:
        raise UserError(f"There is no chapter {number}. Chapters: {book.chapter_list()}.")
    member = ctx.place.member(ctx.caller)
    earlier = await plan.check_in(ctx.place, member, book, number)
    done, members = await plan.readers(ctx.place, book, number)
    if earlier:
        return Reply(
            text=f"You already checked in {chapter_title(book, number)} on {earlier}.",
            private=True,
        )
    return Reply(
        text=f"{ctx.caller.display_name} has read {chapter_title(book, number)}. "
        f"{done} of {members} members have checked in."
    )


@commands.command("progress", "Where you stand against the reading plan")
async def progress(plan: PlanService, ctx: CommandContext, args: Args) -> Reply:
    place, today = ctx.place, plan.today()
    book = await plan.book(place)
    mine = await plan.repo.checkins(place.group, book.meta.id, ctx.caller.user_id)
    read = sorted({c.chapter for c in mine})
    current = await plan.plan(place, book)
    lines = []
    if current is None or current.chapter is None:
        lines.append("No reading plan is set.")
    else:
        chapter = current.chapter
        lines.append(
            f"The group reads {chapter_title(book, chapter)}, {due_text(current.due, today)}."
        )
        done, members = await plan.readers(place, book, chapter)
        if chapter in read:
            lines.append(f"You have checked in chapter {chapter}: on pace.")
        else:
            behind = [n for n in book.numbers if n <= chapter and n not in read]
            lines.append(
                f"You have not checked in chapter {chapter} yet "
                f"({len(behind)} chapter{'s' if len(behind) != 1 else ''} to the plan's)."
            )
        lines.append(f"{done} of {members} members have checked in chapter {chapter}.")
    return Reply(
        title=f"Reading progress of {ctx.caller.display_name}",
        text="\n".join(lines),
        fields=(Field("Chapters checked in", chapters_checked_in(read, len(book.chapters))),),
        footer=f"{ctx.prefix}read <chapter> to check in",
    )
