"""The quiz commands, declared at module level: quiz start/next/stop/status/withdraw/
leaderboard/practice, answer, practice answer/stop. Each handler takes the QuizService."""

from __future__ import annotations

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, Commands, UserError, as_int
from bot.core.periods import PERIOD_HELP, as_period
from bot.core.replies import Reply
from bot.features.quiz.practice import PracticeSession
from bot.features.quiz.selection import (
    KINDS,
    chapter_of,
    question_count,
    seconds_per_question,
    select,
)
from bot.features.quiz.service import QuizService
from bot.features.quiz.spoilers import labelled, within_line

commands: Commands[QuizService] = Commands()


def as_kinds(raw: str) -> tuple[str, ...]:
    kinds = tuple(k for k in raw.lower().split(",") if k)
    if not kinds or any(k not in KINDS for k in kinds):
        raise ValueError(f"expected kinds among {', '.join(KINDS)} (e.g. choice,text)")
    return kinds


def as_scope(raw: str) -> int | str:
    if raw.lower() == "all":
        return "all"
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"expected a chapter number or `all` (a period: {PERIOD_HELP})") from None


def chapter_arg() -> Arg:
    return Arg("chapter", "chapter number", convert=as_int, type=int, hint="chapter")


def questions_arg() -> Arg:
    return Arg(
        "questions",
        "how many questions",
        keyword="questions",
        metavar="N",
        convert=as_int,
        type=int,
    )


def token_arg() -> Arg:
    return Arg(
        "token",
        "the question the answer is for (set by buttons and reactions)",
        keyword="token",
        metavar="id",
        hidden=True,
    )


def answer_arg() -> Arg:
    return Arg("answer", "your answer", kind=ArgKind.TEXT, required=True)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# -- the group quiz ----------------------------------------------------------------------


@commands.command(
    "quiz start",
    "Start a quiz in this channel",
    chapter_arg(),
    Arg("kinds", "only these kinds: choice, truefalse, text", convert=as_kinds),
    questions_arg(),
    Arg("seconds", "close each question after S seconds (0: untimed)", keyword="seconds", metavar="S",
        convert=as_int, type=int),
    Arg("deck", "a named quiz deck instead of a chapter", keyword="deck", metavar="NAME",
        by_position=False),
    Arg("untimed", "questions stay open until quiz next (same as seconds 0)",
        kind=ArgKind.FLAG),
    Arg("auto", "hands-off: reveal each question when its time is up, then ask the next",
        kind=ArgKind.FLAG),
    moderator=True,
    keeps_member_data=True,  # who started it
    details="Without a chapter the questions come from all chapters, in a random order. "
    "`seconds 0` or `untimed` overrides a configured default time. `auto` needs timed "
    "questions: each is revealed when its time is up and the next follows a short pause "
    "later, until the last one's results.",
)  # fmt: skip
async def quiz_start(quiz: QuizService, ctx: CommandContext, args: Args) -> list[Reply]:
    count = question_count(quiz.config, args.int("questions"))
    seconds = seconds_per_question(quiz.config, args.int("seconds"), args.flag("untimed"))
    auto = args.flag("auto")
    if auto and seconds is None:
        raise UserError(
            "A hands-off quiz (`auto`) needs timed questions: add `seconds S` (5 to "
            f"{quiz.config.max_seconds}), e.g. {ctx.prefix}quiz start seconds 30 auto."
        )
    if args.int("chapter") is not None and args.text("deck") is not None:
        raise UserError("Give a chapter or a deck, not both.")
    book = await quiz.book(ctx.place)
    line = await quiz.line_of(ctx.place, None)
    book = book if args.text("deck") else within_line(book, line, args.int("chapter"))
    kinds = args.get("kinds")
    selection = select(book, quiz.rng, args.int("chapter"), args.text("deck"), kinds, count)
    selection = labelled(selection, line)
    return await quiz.start(ctx, selection, seconds, auto)


@commands.command("quiz decks", "List the quiz decks of the group's book")
async def quiz_decks(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply:
    book = await quiz.book(ctx.place)
    if not book.decks:
        return Reply(
            text=f"{book.meta.title} has no quiz decks; quizzes take their questions from "
            f"the chapters ({ctx.prefix}quiz start [chapter]).",
        )
    lines = [f"{d.id}: {d.title} ({plural(len(d.quiz), 'question')})" for d in book.decks]
    return Reply(
        title=f"Quiz decks ({book.meta.title})",
        text="\n".join(lines),
        footer=f"{ctx.prefix}quiz start deck NAME to play one (any case)",
    )


@commands.command("quiz next", "Reveal the answer and ask the next question")
async def quiz_next(quiz: QuizService, ctx: CommandContext, args: Args) -> list[Reply]:
    return await quiz.next(ctx)


@commands.command("quiz stop", "End the quiz now and post the results")
async def quiz_stop(quiz: QuizService, ctx: CommandContext, args: Args) -> list[Reply]:
    return await quiz.stop(ctx)


@commands.command("quiz status", "Where the quiz in this channel stands", group_default=True)
async def quiz_status(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply:
    return await quiz.status(ctx)


@commands.command(
    "answer",
    "Answer the quiz question: a letter, or words for a free-text question",
    token_arg(),
    answer_arg(),
    keeps_member_data=True,
)
async def answer(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply | list[Reply]:
    raw = args.text("answer") or ""
    token = args.text("token")
    result = await quiz.answer(ctx, raw, token)
    if result is not None:
        return result
    if await quiz.repo.practice(ctx.place.member(ctx.caller)) is not None:
        return await _practice_answer(quiz, ctx, raw, token)
    raise UserError(
        f"There is no quiz running in this channel. A moderator starts one with "
        f"{ctx.prefix}quiz start, or practise alone with {ctx.prefix}quiz practice."
    )


@commands.command("quiz withdraw", "Withdraw your answer to the open question", token_arg())
async def quiz_withdraw(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply:
    return await quiz.withdraw(ctx, args.text("token"))


@commands.command(
    "quiz leaderboard",
    "The group's quiz results: games, right answers, points, accuracy",
    Arg("scope", "a chapter number, or all", convert=as_scope, metavar="chapter|all"),
    # What each period means is said once, in `help` (the participation feature's note).
    Arg("period", PERIOD_HELP, convert=as_period, metavar="period"),
    details="An answer counts from its question's reveal, on that day, as in stats; a "
    "withdrawn answer counts nowhere, a changed one as the last answer given.",
)
async def quiz_leaderboard(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply:
    scope = args.get("scope")
    chapter = scope if isinstance(scope, int) else None
    book_id = None
    if chapter is not None:
        book = await quiz.book(ctx.place)
        chapter_of(book, chapter)  # refuses a chapter the book does not have
        book_id = book.meta.id  # chapter numbers are the book's own
    period = await quiz.period(ctx.place.group, args.text("period"))
    since, until = period.instants(quiz.tz)
    rows = await quiz.repo.leaderboard(ctx.place.group, chapter, book_id, since, until)
    what = f"chapter {chapter}" if chapter is not None else "all chapters"
    title = f"Quiz leaderboard: {what}, {period.label}"
    if not rows:
        return Reply(title=title, text="No quiz results here in this period.")
    lines = []
    for row in rows[:20]:
        tied = [r for r in rows if r.points == row.points]
        rank = 1 + sum(1 for r in rows if r.points > row.points)
        mark = f"{rank}=" if len(tied) > 1 else f"{rank}."
        lines.append(
            f"{mark} {row.name}: {plural(row.points, 'point')}, {row.right} of "
            f"{row.answered} right ({row.accuracy:.0%}), {plural(row.games, 'game')}"
        )
    return Reply(title=title, text="\n".join(lines))


# -- practice ----------------------------------------------------------------------------


async def _practice_answer(
    quiz: QuizService, ctx: CommandContext, raw: str, token: str | None
) -> list[Reply]:
    member = ctx.place.member(ctx.caller)
    async with quiz.db.transaction():
        state = await quiz.repo.practice(member)
        if state is None:
            raise UserError(f"You are not practising. Start with {ctx.prefix}quiz practice.")
        session = PracticeSession.from_json(state)
        asked, right = session.position, session.right
        replies = session.answer(raw, ctx.prefix, token)
        if session.done:
            await quiz.repo.delete_practice(member)
        else:
            await quiz.repo.save_practice_state(member, session.to_json(), ctx.now)
    if session.position > asked:  # the answer was judged
        await quiz.practised(ctx, session.items[asked], session.right > right)
    return replies


@commands.command(
    "quiz practice",
    "Practise alone, privately, at your own pace (not on the leaderboard)",
    chapter_arg(),
    questions_arg(),
    keeps_member_data=True,
)
async def quiz_practice(quiz: QuizService, ctx: CommandContext, args: Args) -> list[Reply]:
    count = question_count(quiz.config, args.int("questions"))
    book = await quiz.book(ctx.place)
    line = await quiz.line_of(ctx.place, ctx.place.member(ctx.caller))
    book = within_line(book, line, args.int("chapter"), refuse=False)
    selection = labelled(select(book, quiz.rng, args.int("chapter"), None, None, count), line)
    session = PracticeSession(ctx.caller.user_id, selection.label, selection.items)
    member = ctx.place.member(ctx.caller)
    await quiz.repo.save_practice(member, selection.book_id, session.to_json(), ctx.now)
    intro = Reply(
        text=f"Practice on {selection.label}: {len(selection.items)} question(s), "
        "only you see them.",
        private=True,
    )
    return [intro, session.question_reply(ctx.prefix)]


@commands.command(
    "practice answer",
    "Answer your practice question",
    token_arg(),
    answer_arg(),
    keeps_member_data=True,
)
async def practice_answer(quiz: QuizService, ctx: CommandContext, args: Args) -> list[Reply]:
    return await _practice_answer(quiz, ctx, args.text("answer") or "", args.text("token"))


@commands.command("practice stop", "Stop practising")
async def practice_stop(quiz: QuizService, ctx: CommandContext, args: Args) -> Reply:
    member = ctx.place.member(ctx.caller)
    async with quiz.db.transaction():
        state = await quiz.repo.practice(member)
        if state is None:
            raise UserError("You are not practising.")
        await quiz.repo.delete_practice(member)
    return PracticeSession.from_json(state).results_reply()
