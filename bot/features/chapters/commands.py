"""`chapter open|close`, `agenda`, `agenda post`, `recap`, `poll`, `poll end` and `vote`:
module-level handlers over ChaptersService. Every command but `vote` is for moderators
(the engine checks)."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Commands, UserError, as_int
from bot.core.outbox import PostError
from bot.core.replies import Reply
from bot.features.chapters.model import agenda, split_poll
from bot.features.chapters.service import ChaptersService

commands: Commands[ChaptersService] = Commands()


def chapter_arg() -> Arg:
    return Arg(
        "chapter",
        "chapter number (the thread's, else the plan's)",
        convert=as_int,
        type=int,
        hint="chapter",
    )


@commands.command(
    "chapter open",
    "Open a chapter's discussion thread with its summary, prompts and a progress poll",
    chapter_arg(),
    moderator=True,
)
async def chapter_open(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    return await chapters.open(ctx.place, args.int("chapter"), ctx.prefix)


@commands.command(
    "chapter close",
    "Close a chapter's thread (locked and archived where the platform can)",
    chapter_arg(),
    moderator=True,
)
async def chapter_close(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    return await chapters.close(ctx.place, args.int("chapter"), ctx.prefix)


@commands.command(
    "agenda",
    "A meeting plan for a chapter, privately: summary, prompts, quotes, a warm-up quiz",
    chapter_arg(),
    moderator=True,
)
async def agenda_show(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    book, chapter = await chapters.chapter(ctx.place, args.int("chapter"), ctx.prefix)
    plan = agenda(book, chapter, ctx.prefix)
    return Reply(
        title=plan.title,
        fields=plan.fields,
        footer=f"Only you see this; {ctx.prefix}agenda post {chapter.number} shows it to all.",
        private=True,
    )


@commands.command(
    "agenda post",
    "Post a chapter's meeting plan in its thread (or here when it has none)",
    chapter_arg(),
    moderator=True,
)
async def agenda_post(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    book, chapter = await chapters.chapter(ctx.place, args.int("chapter"), ctx.prefix)
    plan = agenda(book, chapter, ctx.prefix)
    thread = await chapters.thread_place(ctx.place, chapter.number)
    if thread is None or thread == ctx.place:
        return plan
    try:
        await chapters.outbox.post(thread, [plan])
    except PostError as exc:
        raise UserError(f"The meeting plan could not be posted in the thread: {exc}") from None
    return Reply(
        text=f"The meeting plan is posted in chapter {chapter.number}'s thread.", private=True
    )


@commands.command(
    "recap",
    "Post what happened in a chapter's thread since it opened, in counts only",
    chapter_arg(),
    moderator=True,
)
async def recap(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    reply, thread = await chapters.recap(ctx.place, args.int("chapter"), ctx.prefix)
    if thread == ctx.place:
        return reply
    try:
        await chapters.outbox.post(thread, [reply])
    except PostError as exc:
        raise UserError(f"The recap could not be posted in the thread: {exc}") from None
    return Reply(text="The recap is posted in the chapter's thread.", private=True)


@commands.command(
    "poll",
    "Ask the group: a native poll whose results are posted when it ends",
    Arg(
        "poll",
        "QUESTION | OPTION | OPTION ... (2 to 10 options)",
        kind=ArgKind.TEXT,
        required=True,
        metavar="QUESTION | OPTION | OPTION",
    ),
    moderator=True,
    details="Example: poll Next book? | Trotsky's My Life | Serge's Memoirs",
)
async def poll(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    question, options = split_poll(args.text("poll") or "")
    return await chapters.polls.post(ctx.place, question, options)


@commands.command("poll end", "End the latest poll here now and post its results", moderator=True)
async def poll_end(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    return await chapters.polls.end_latest(ctx.place)


@commands.command(
    "vote",
    "Vote in the latest poll here by the option's number (where polls are numbered)",
    Arg("option", "the option's number", convert=as_int, type=int, required=True),
    keeps_member_data=True,
)
async def vote(chapters: ChaptersService, ctx: CommandContext, args: Args) -> Reply:
    choice = args.int("option")
    assert choice is not None
    return await chapters.polls.vote_here(ctx.place, ctx.caller, choice)
