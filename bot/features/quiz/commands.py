"""The quiz commands: quiz start/next/stop/status/withdraw/leaderboard/practice, answer,
practice answer/stop; and `install_quiz`, which wires them into the app."""

from __future__ import annotations

from datetime import timedelta

from bot.core.command_context import CommandContext
from bot.core.commands import Arg, ArgKind, Args, CommandSet, UserError, as_int
from bot.core.refs import MemberRef
from bot.core.replies import Reply
from bot.features.quiz.practice import PracticeSession
from bot.features.quiz.repo import QuizRepo
from bot.features.quiz.service import KINDS, QuizService

PERIODS = {"week": 7, "month": 30, "year": 365}


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
        raise ValueError("expected a chapter number or `all`") from None


def chapter_arg() -> Arg:
    return Arg("chapter", "chapter number", convert=as_int, type=int, hint="chapter")


def token_arg() -> Arg:
    return Arg(
        "token",
        "the question the answer is for (set by buttons and reactions)",
        keyword="token",
        metavar="id",
    )


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def member_key(ctx: CommandContext) -> str:
    return f"{ctx.place.platform}:{ctx.caller.user_id}"


def quiz_commands(service: QuizService, repo: QuizRepo) -> CommandSet:
    cs = CommandSet()

    @cs.command(
        "quiz start",
        "Start a quiz in this channel",
        chapter_arg(),
        Arg("kinds", "only these kinds: choice, truefalse, text", convert=as_kinds),
        Arg("questions", "how many questions", keyword="questions", metavar="N", convert=as_int,
            type=int),
        Arg("seconds", "close each question after S seconds", keyword="seconds", metavar="S",
            convert=as_int, type=int),
        Arg("deck", "a named quiz deck instead of a chapter", keyword="deck", metavar="NAME"),
        moderator=True,
        details="Without a chapter the questions come from all chapters, in a random order.",
    )  # fmt: skip
    async def start(ctx: CommandContext, args: Args) -> list[Reply]:
        count = service.question_count(args.int("questions"))
        seconds = service.seconds(args.int("seconds"))
        if args.int("chapter") is not None and args.text("deck") is not None:
            raise UserError("Give a chapter or a deck, not both.")
        kinds = args.get("kinds")
        selection = service.select(args.int("chapter"), args.text("deck"), kinds, count)
        return await service.start(ctx, selection, seconds)

    @cs.command("quiz next", "Reveal the answer and ask the next question")
    async def next_(ctx: CommandContext, args: Args) -> list[Reply]:
        return await service.next(ctx)

    @cs.command("quiz stop", "End the quiz now and post the results")
    async def stop(ctx: CommandContext, args: Args) -> list[Reply]:
        return await service.stop(ctx)

    @cs.command("quiz status", "Where the quiz in this channel stands")
    async def status(ctx: CommandContext, args: Args) -> Reply:
        return service.status(ctx)

    @cs.command(
        "answer",
        "Answer the quiz question: a letter, or words for a free-text question",
        token_arg(),
        Arg("answer", "your answer", kind=ArgKind.TEXT, required=True),
    )
    async def answer(ctx: CommandContext, args: Args) -> Reply | list[Reply]:
        raw = args.text("answer") or ""
        token = args.text("token")
        result = await service.answer(ctx, raw, token)
        if result is not None:
            return result
        if await repo.practice(member_key(ctx)) is not None:
            return await practice_answer(ctx, raw, token)
        raise UserError(
            f"There is no quiz running in this channel. A moderator starts one with "
            f"{ctx.prefix}quiz start, or practise alone with {ctx.prefix}quiz practice."
        )

    @cs.command("quiz withdraw", "Withdraw your answer to the open question", token_arg())
    async def withdraw(ctx: CommandContext, args: Args) -> Reply:
        return await service.withdraw(ctx, args.text("token"))

    @cs.command(
        "quiz leaderboard",
        "The group's quiz results: games, right answers, points, accuracy",
        Arg("scope", "a chapter number, or all", convert=as_scope, metavar="chapter|all"),
        Arg("period", "week, month, year or all", choices=("week", "month", "year", "all")),
    )
    async def leaderboard(ctx: CommandContext, args: Args) -> Reply:
        scope = args.get("scope")
        chapter = scope if isinstance(scope, int) else None
        if chapter is not None:
            service.chapter(chapter)  # refuses a chapter the book does not have
        period = args.text("period") or "all"
        since = ctx.now - timedelta(days=PERIODS[period]) if period in PERIODS else None
        rows = await repo.leaderboard(ctx.place.group_key, chapter, since)
        what = f"chapter {chapter}" if chapter is not None else "all chapters"
        when = f"the last {period}" if period in PERIODS else "all time"
        title = f"Quiz leaderboard ({what}, {when})"
        if not rows:
            return Reply(title=title, text="No finished quizzes here yet.")
        lines = []
        for i, row in enumerate(rows[:20]):
            tied = [r for r in rows if r.points == row.points]
            rank = 1 + sum(1 for r in rows if r.points > row.points)
            mark = f"{rank}=" if len(tied) > 1 else f"{rank}."
            lines.append(
                f"{mark} {row.name}: {plural(row.points, 'point')}, {row.right} of "
                f"{row.answered} right ({row.accuracy:.0%}), {plural(row.games, 'game')}"
            )
            del i
        return Reply(title=title, text="\n".join(lines))

    # -- practice ---------------------------------------------------------------------

    async def practice_answer(ctx: CommandContext, raw: str, token: str | None) -> list[Reply]:
        key = member_key(ctx)
        state = await repo.practice(key)
        if state is None:
            raise UserError(f"You are not practising. Start with {ctx.prefix}quiz practice.")
        session = PracticeSession.from_json(state)
        replies = session.answer(raw, ctx.prefix, token)
        if session.done:
            await repo.delete_practice(key)
        else:
            await repo.save_practice(key, session.to_json(), ctx.now)
        return replies

    @cs.command(
        "quiz practice",
        "Practise alone, privately, at your own pace (not on the leaderboard)",
        chapter_arg(),
        Arg(
            "questions",
            "how many questions",
            keyword="questions",
            metavar="N",
            convert=as_int,
            type=int,
        ),
    )
    async def practice(ctx: CommandContext, args: Args) -> list[Reply]:
        count = service.question_count(args.int("questions"))
        selection = service.select(args.int("chapter"), None, None, count)
        session = PracticeSession(ctx.caller.user_id, selection.label, selection.items)
        await repo.save_practice(member_key(ctx), session.to_json(), ctx.now)
        intro = Reply(
            text=f"Practice on {selection.label}: {len(selection.items)} question(s), "
            "only you see them.",
            private=True,
        )
        return [intro, session.question_reply(ctx.prefix)]

    @cs.command(
        "practice answer",
        "Answer your practice question",
        token_arg(),
        Arg("answer", "your answer", kind=ArgKind.TEXT, required=True),
    )
    async def practice_answer_cmd(ctx: CommandContext, args: Args) -> list[Reply]:
        return await practice_answer(ctx, args.text("answer") or "", args.text("token"))

    @cs.command("practice stop", "Stop practising")
    async def practice_stop(ctx: CommandContext, args: Args) -> Reply:
        key = member_key(ctx)
        state = await repo.practice(key)
        if state is None:
            raise UserError("You are not practising.")
        await repo.delete_practice(key)
        return PracticeSession.from_json(state).results_reply()

    return cs


class QuizMemberData:
    """Quiz answers are kept about members: `privacy show/delete` cover them."""

    def __init__(self, repo: QuizRepo) -> None:
        self.repo = repo

    async def describe(self, member: MemberRef) -> str | None:
        answers, quizzes = await self.repo.member_answers(member.platform, member.user_id)
        if not answers:
            return None
        return (
            f"Quiz results: {plural(answers, 'answer')} in {plural(quizzes, 'finished quiz')} "
            "(the letter you chose, or for typed answers only whether it was right, and the "
            "points), shown on the leaderboard. A typed answer is kept word for word only "
            "while its quiz runs."
        )

    async def forget(self, member: MemberRef) -> None:
        await self.repo.forget_member(member.platform, member.user_id)
