"""Running group quizzes. The database is the truth: every step (answer, withdraw, close,
next, stop, a timer's close) reads the quiz inside `db.transaction()`, lets the state
machine (model.py) decide and writes the result back before the transaction ends. Two
processes on one database therefore never lose or double an answer or a reveal: the
transaction (and a conditional write) decides who wins, the loser gets a clear message or,
for a timer, does nothing. Nothing here keeps a quiz in memory between steps.

Timed questions close at their deadline, once, and a hands-off quiz asks its next question
a pause after each reveal: each process arms timers for the quizzes it starts, advances
and finds at start (timers.py), and sweeps for overdue steps of the others; whichever
commits a step posts what it shows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import weakref
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import QuizConfig
from bot.content.library import ContentStore
from bot.content.model import Book, QuizItem
from bot.core.activity import ActivityKind
from bot.core.answers import AnswerOutcome, AnswerSink
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import UserError
from bot.core.engine import Engine
from bot.core.outbox import PostError
from bot.core.periods import Period, parse_period
from bot.core.refs import Caller, GroupRef, MemberRef, Place
from bot.core.replies import Reply
from bot.core.supervisor import Supervisor
from bot.features.quiz.model import Answer, Phase, QuizSession, quiz_of_token, with_footer
from bot.features.quiz.repo import QuizRepo
from bot.features.quiz.selection import Selection
from bot.features.quiz.timers import QuizTimers
from bot.storage.db import Database, IntegrityError

log = logging.getLogger(__name__)

ACK = frozenset({"ack"})
CLOSED_ALREADY = "quiz %d question %d: closed already (by another process or a moderator)"
TIME_IS_UP = "Time is up. A moderator moves on with `quiz next`."
NEXT_SOON = "Time is up. Question {n} follows in {s} seconds."


class LostRace(UserError):
    """Another process changed the quiz between our read and our write (rolled back)."""

    def __init__(self) -> None:
        super().__init__("The quiz moved on meanwhile; nothing was changed. See quiz status.")


class QuizService:
    def __init__(
        self,
        config: QuizConfig,
        store: ContentStore,
        db: Database,
        repo: QuizRepo,
        engine: Engine,
        clock: Clock,
        rng: random.Random,
        supervisor: Supervisor,
        tz: ZoneInfo,
    ) -> None:
        self.config = config
        self.tz = tz  # the timezone of the days periods count (as in `stats`)
        self.store = store
        self.db = db
        self.repo = repo
        self.engine = engine
        self.clock = clock
        self.rng = rng
        # Who learns of judged answers (spaced review); the composition root fills it.
        self.answer_sinks: list[AnswerSink] = []
        self.timers = QuizTimers(clock, supervisor, repo, config.sweep_seconds, self.step_due)
        # A lock per member answering in a place; gone once nobody holds it.
        self._answering: weakref.WeakValueDictionary[tuple[Place, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def book(self, place: Place) -> Book:
        """The book the place's group reads: quizzes and practice take their items from it."""
        return await self.store.book_for(place)

    # -- starting -----------------------------------------------------------------------

    async def start(
        self, ctx: CommandContext, selection: Selection, seconds: int | None, auto: bool = False
    ) -> list[Reply]:
        now = ctx.now
        session = QuizSession(
            id=0,
            place=ctx.place,
            started_by=ctx.caller.user_id,
            started_by_name=ctx.caller.display_name,
            items=selection.items,
            label=selection.label,
            started_at=now,
            question_at=now,
            seconds=seconds,
            chapter=selection.chapter,
            deck=selection.deck,
            speed_bonus=self.config.speed_bonus,
            book_id=selection.book_id,
            auto=auto,
            prefix=ctx.prefix,
        )
        session.open_question(now)
        try:
            async with self.db.transaction():
                current = await self.repo.running_at(ctx.place)
                if current is not None:
                    raise UserError(
                        f"A quiz is already running in this channel ({current.label}, question "
                        f"{current.position + 1} of {current.total}); stop it with "
                        f"{ctx.prefix}quiz stop before starting another."
                    )
                session.id = await self.repo.create(session)
        except IntegrityError:
            raise UserError("A quiz is already running in this channel.") from None
        self.timers.arm(session)
        timing = f", {seconds} seconds each" if seconds else ""
        if auto:
            timing += (
                f", hands-off (the next question {self.config.auto_pause} s after each reveal)"
            )
        fewer = " (all there are)" if selection.asked > session.total else ""
        intro = Reply(
            text=f"{ctx.caller.display_name} started a quiz on {selection.label}: "
            f"{session.total} question(s){fewer}{timing}.",
        )
        return [intro, session.question_reply(ctx.prefix)]

    # -- finding the quiz ---------------------------------------------------------------

    async def _find(self, place: Place, token: str | None) -> QuizSession | None:
        """The running quiz a command is for: the one a question's token names, else the
        place's."""
        if token is None:
            return await self.repo.running_at(place)
        quiz_id = quiz_of_token(token)
        session = await self.repo.by_id(quiz_id) if quiz_id is not None else None
        return session if session is not None and _token_fits(session, place) else None

    async def _require(self, place: Place, prefix: str, token: str | None = None) -> QuizSession:
        session = await self._find(place, token)
        if session is None:
            raise UserError(
                f"There is no quiz running in this channel. A moderator starts one "
                f"with {prefix}quiz start."
            )
        return session

    @staticmethod
    def _may_run(ctx: CommandContext, session: QuizSession, what: str) -> None:
        if not (ctx.is_moderator or ctx.caller.user_id == session.started_by):
            raise UserError(f"Only moderators and the member who started the quiz can {what} it.")

    # -- answers ------------------------------------------------------------------------

    async def answer(self, ctx: CommandContext, raw: str, token: str | None) -> Reply | None:
        """Answer the place's quiz; None when no quiz runs here (practice may take it)."""
        if token is not None and token.startswith("p"):
            return None  # a practice question's button
        # One member's answers in this place are taken in the order they came (two clicks
        # must not race each other to the database); different members run side by side.
        key = (ctx.place, ctx.caller.user_id)
        lock = self._answering.get(key)
        if lock is None:
            lock = self._answering[key] = asyncio.Lock()
        async with lock:
            return await self._answer(ctx, raw, token)

    async def _answer(self, ctx: CommandContext, raw: str, token: str | None) -> Reply | None:
        caller = ctx.caller
        # The fast path: one read, then one conditional write that only a still open
        # question takes (no transaction: 5,000 members may answer at once).
        found = await self._for_answer(ctx.place, token, caller.user_id)
        if found is None:
            if token is not None:
                raise UserError("That question has closed; your answer was not counted.")
            return None
        session, own = found
        if own is not None:
            session.answers = {session.position: {caller.user_id: own}}
        outcome = session.answer(caller.user_id, caller.display_name, raw, ctx.now, token)
        if outcome.same:
            return Reply(
                text=f"Your answer to question {outcome.question + 1} is still "
                f"{outcome.answer.given}.",
                private=True,
                tags=ACK,
            )
        if not await self.repo.save_answer_if_open(session, outcome.question, outcome.answer):
            raise UserError(
                f"Too late: question {outcome.question + 1} has closed; your answer was not "
                "counted."
            )
        if outcome.first:
            text = f"Your answer to question {outcome.question + 1}: {outcome.answer.given}."
        else:
            was = outcome.previous.given if outcome.previous else ""
            text = (
                f"Changed your answer to question {outcome.question + 1}: "
                f"{outcome.answer.given} (was {was})."
            )
        return Reply(
            text=f"{text} You can change it until the question closes.", private=True, tags=ACK
        )

    async def _for_answer(
        self, place: Place, token: str | None, member: str
    ) -> tuple[QuizSession, Answer | None] | None:
        if token is None:
            return await self.repo.for_answer(place, member)
        quiz_id = quiz_of_token(token)
        found = await self.repo.for_answer(quiz_id, member) if quiz_id is not None else None
        return found if found is not None and _token_fits(found[0], place) else None

    async def withdraw(self, ctx: CommandContext, token: str | None) -> Reply:
        member = ctx.caller.user_id
        async with self.db.transaction():
            session = await self._require(ctx.place, ctx.prefix, token)
            await self._load_own(session, member)
            answer = session.withdraw(member, ctx.now, token)
            await self.repo.delete_answer(session.id, session.position, member)
        return Reply(
            text=f"Your answer to question {session.position + 1} ({answer.given}) is withdrawn.",
            private=True,
            tags=ACK,
        )

    async def _load_own(self, session: QuizSession, member: str) -> None:
        """Only the member's own answer to the open question: all an answer needs."""
        own = await self.repo.answer_of(session.id, session.position, member)
        session.answers = {session.position: {member: own}} if own is not None else {}

    # -- closing and moving on ----------------------------------------------------------

    async def next(self, ctx: CommandContext) -> list[Reply]:
        """Reveal the open question (if open) and ask the next one, or finish."""
        return await self._move_on(ctx, stop=False)

    async def stop(self, ctx: CommandContext) -> list[Reply]:
        """Reveal the open question (if open) and finish now."""
        return await self._move_on(ctx, stop=True)

    async def _move_on(self, ctx: CommandContext, stop: bool) -> list[Reply]:
        async with self.db.transaction():
            session = await self._require(ctx.place, ctx.prefix)
            self._may_run(ctx, session, "stop" if stop else "move on in")
            await self.repo.load_answers(session)
            was = (session.position, session.phase)
            replies: list[Reply] = []
            final: list[Answer] = []
            judged: list[AnswerOutcome] = []
            if session.phase is Phase.OPEN:
                reveal, final, judged = await self._close(session, ctx.now)
                replies.append(reveal)
            if stop:
                session.finish(ctx.now)
                replies.append(session.results_reply(stopped=True))
            elif session.advance(ctx.now):
                replies.append(session.question_reply(ctx.prefix))
            else:
                replies.append(session.results_reply())
            await self._save(session, *was)
        self._after_close(session, final, ctx.now)
        await self._publish(judged)
        return replies

    async def step_due(self, quiz_id: int, position: int) -> bool:
        """A timer's or the sweeper's step: close a timed question whose deadline has
        passed, or, in a hands-off quiz, ask the next question once the pause is over.

        Posts what the step shows (the reveal, the results after the last question, the
        next question) when this process's transaction took it; does nothing when the quiz
        had moved on already or the step is not due (another process, or a moderator, got
        there first)."""
        now = self.clock.now()
        try:
            async with self.db.transaction():
                session = await self.repo.by_id(quiz_id)
                if session is None or session.position != position:
                    log.info(CLOSED_ALREADY, quiz_id, position + 1)
                    return False
                was = session.phase
                judged: list[AnswerOutcome] = []
                if was is Phase.OPEN and session.deadline is not None:
                    if now < session.deadline:
                        return False  # not due (yet): the deadline moved or the clock is behind
                    await self.repo.load_answers(session)
                    replies, final, judged = await self._time_is_up(session, now)
                elif was is Phase.CLOSED and session.next_at is not None:
                    if now < session.next_at:
                        return False
                    session.advance(now)
                    replies, final = [session.question_reply(session.prefix)], []
                else:
                    log.info(CLOSED_ALREADY, quiz_id, position + 1)
                    return False
                await self._save(session, position, was)
        except (IntegrityError, LostRace):
            log.info(CLOSED_ALREADY, quiz_id, position + 1)
            return False
        self._after_close(session, final, now)
        await self._publish(judged)
        try:
            await self.engine.outbox.post(session.place, replies)
        except PostError as exc:
            log.warning("quiz %d: the reveal could not be posted: %s", quiz_id, exc)
        return True

    async def _time_is_up(
        self, session: QuizSession, now: datetime
    ) -> tuple[list[Reply], list[Answer], list[AnswerOutcome]]:
        """Close the open question at its deadline: the reveal, and the results after the
        last question; a hands-off quiz pauses before the next one."""
        reveal, final, judged = await self._close(session, now)
        if session.position + 1 >= session.total:
            session.advance(now)
            return [reveal, session.results_reply()], final, judged
        if session.pause(now, self.config.auto_pause):
            footer = NEXT_SOON.format(n=session.position + 2, s=self.config.auto_pause)
            return [with_footer(reveal, footer)], final, judged
        return [with_footer(reveal, TIME_IS_UP)], final, judged

    async def _close(
        self, session: QuizSession, now: datetime
    ) -> tuple[Reply, list[Answer], list[AnswerOutcome]]:
        """Close the open question and note its reveal (inside the caller's transaction);
        the reveal, the question's final answers and their outcomes for the answer sinks."""
        session.close(now)
        await self.repo.record_reveal(session.id, session.position, now)
        final = list(session.question_answers().values())
        return session.reveal_reply(), final, self._outcomes(session)

    def _outcomes(self, session: QuizSession) -> list[AnswerOutcome]:
        """The closed question's final answers, for the answer sinks."""
        book_id, item = session.book_id or self.store.book.meta.id, session.item
        return [
            AnswerOutcome(MemberRef(session.place.platform, a.member), session.place, book_id,
                          session.chapter, item.id, a.correct, a.at,
                          (a.at - session.question_at).total_seconds(), session.seconds)
            for a in session.question_answers().values()
        ]  # fmt: skip

    async def practised(self, ctx: CommandContext, item: QuizItem, correct: bool) -> None:
        """A practice answer was judged: the answer sinks learn of it."""
        book_id = (await self.book(ctx.place)).meta.id  # practice plays the group's book
        member = ctx.place.member(ctx.caller)
        await self._publish(
            [AnswerOutcome(member, ctx.place, book_id, None, item.id, correct, ctx.now)]
        )

    async def _publish(self, outcomes: list[AnswerOutcome]) -> None:
        for sink in self.answer_sinks if outcomes else ():
            try:
                await sink.answered(outcomes)
            except Exception:
                log.exception("an answer sink failed to take %d answer(s)", len(outcomes))

    async def _save(self, session: QuizSession, position: int, phase: Phase) -> None:
        if not await self.repo.save_state(session, position, phase):
            raise LostRace

    def _after_close(self, session: QuizSession, final: list[Answer], now: datetime) -> None:
        """Once the close is committed: the question's final answers become activity, at
        the time of the reveal (so a withdrawn or changed answer counts nowhere, and
        `stats` counts what `quiz leaderboard` counts, on the same day); the next timer."""
        for answer in final:
            caller = Caller(answer.member, answer.name)
            self.engine.record(ActivityKind.QUIZ_ANSWER, caller, session.place, now)
            if answer.correct:
                self.engine.record(ActivityKind.QUIZ_CORRECT, caller, session.place, now)
        self.timers.arm(session)

    # -- reading ------------------------------------------------------------------------

    async def status(self, ctx: CommandContext) -> Reply:
        session = await self._require(ctx.place, ctx.prefix)
        await self.repo.load_answers(session, session.position)
        return Reply(text=session.status_text(ctx.now, ctx.prefix), private=True)

    async def period(self, group: GroupRef, text: str | None) -> Period:
        """A period of the leaderboard, as `stats` reads the same word (all time by
        default): `all` starts at the group's first reveal."""
        today = self.clock.now().astimezone(self.tz).date()
        first = await self.repo.first_reveal(group)
        return parse_period(text, today, first.astimezone(self.tz).date() if first else None, "all")

    async def resume(self) -> int:
        """At start: arm the timers of every running quiz (an overdue one closes at once)."""
        running = await self.repo.running()
        for session in running:
            self.timers.arm(session)
        return len(running)


def _token_fits(session: QuizSession, place: Place) -> bool:
    """A token's quiz answers from its own channel of its own group, while it runs (the
    thread is not compared: a Matrix reaction does not say which thread it is in)."""
    return session.phase is not Phase.FINISHED and session.place.channel == place.channel
