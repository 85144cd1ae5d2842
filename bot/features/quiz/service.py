"""Running group quizzes. The database is the truth: every step (answer, withdraw, close,
next, stop, a timer's close) reads the quiz inside `db.transaction()`, lets the state
machine (model.py) decide and writes the result back before the transaction ends. Two
processes on one database therefore never lose or double an answer or a reveal: the
transaction (and a conditional write) decides who wins, the loser gets a clear message or,
for a timer, does nothing. Nothing here keeps a quiz in memory between steps.

Timed questions close at their deadline, once: each process arms timers for the quizzes it
starts, advances and finds at start (timers.py), and sweeps for overdue questions of the
others; whichever commits the close posts the reveal.
"""

from __future__ import annotations

import asyncio
import logging
import random
import weakref
from datetime import datetime

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
from bot.core.refs import Caller, MemberRef, Place
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
    ) -> None:
        self.config = config
        self.store = store
        self.db = db
        self.repo = repo
        self.engine = engine
        self.clock = clock
        self.rng = rng
        # Who learns of judged answers (spaced review); the composition root fills it.
        self.answer_sinks: list[AnswerSink] = []
        self.timers = QuizTimers(clock, supervisor, repo, config.sweep_seconds, self.close_overdue)
        # A lock per member answering in a place; gone once nobody holds it.
        self._answering: weakref.WeakValueDictionary[tuple[Place, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def book(self, place: Place) -> Book:
        """The book the place's group reads: quizzes and practice take their items from it."""
        return await self.store.book_for(place)

    # -- starting -----------------------------------------------------------------------

    async def start(
        self, ctx: CommandContext, selection: Selection, seconds: int | None
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
            self.engine.record(ActivityKind.QUIZ_ANSWER, caller, ctx.place)
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
            right: list[Answer] = []
            judged: list[AnswerOutcome] = []
            if session.phase is Phase.OPEN:
                reveal, right, judged = await self._close(session, ctx.now)
                replies.append(reveal)
            if stop:
                session.finish(ctx.now)
                replies.append(session.results_reply(stopped=True))
            elif session.advance(ctx.now):
                replies.append(session.question_reply(ctx.prefix))
            else:
                replies.append(session.results_reply())
            await self._save(session, *was)
        self._after_close(session, right)
        await self._publish(judged)
        return replies

    async def close_overdue(self, quiz_id: int, position: int) -> bool:
        """A timer's or the sweeper's close of a timed question whose deadline has passed.

        Posts the reveal (and the results after the last question) when this process's
        transaction closed it; does nothing when the question had closed already, moved on
        or is not due (another process, or a moderator, got there first)."""
        now = self.clock.now()
        try:
            async with self.db.transaction():
                session = await self.repo.by_id(quiz_id)
                if (
                    session is None
                    or session.phase is not Phase.OPEN
                    or session.position != position
                ):
                    log.info(CLOSED_ALREADY, quiz_id, position + 1)
                    return False
                if session.deadline is None or now < session.deadline:
                    return False  # not due (yet): the deadline moved or the clock is behind
                await self.repo.load_answers(session)
                reveal, right, judged = await self._close(session, now)
                replies = [reveal]
                if session.position + 1 >= session.total:
                    session.advance(now)
                    replies.append(session.results_reply())
                else:
                    replies[0] = with_footer(reveal, TIME_IS_UP)
                await self._save(session, position, Phase.OPEN)
        except (IntegrityError, LostRace):
            log.info(CLOSED_ALREADY, quiz_id, position + 1)
            return False
        self._after_close(session, right)
        await self._publish(judged)
        try:
            await self.engine.outbox.post(session.place, replies)
        except PostError as exc:
            log.warning("quiz %d: the reveal could not be posted: %s", quiz_id, exc)
        return True

    async def _close(
        self, session: QuizSession, now: datetime
    ) -> tuple[Reply, list[Answer], list[AnswerOutcome]]:
        """Close the open question and note its reveal (inside the caller's transaction)."""
        right = session.close(now)
        await self.repo.record_reveal(session.id, session.position, now)
        return session.reveal_reply(), right, self._outcomes(session)

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

    def _after_close(self, session: QuizSession, right: list[Answer]) -> None:
        """Once the close is committed: activity for the right answers, the next timer."""
        for answer in right:
            self.engine.record(
                ActivityKind.QUIZ_CORRECT, Caller(answer.member, answer.name), session.place
            )
        self.timers.arm(session)

    # -- reading ------------------------------------------------------------------------

    async def status(self, ctx: CommandContext) -> Reply:
        session = await self._require(ctx.place, ctx.prefix)
        await self.repo.load_answers(session, session.position)
        return Reply(text=session.status_text(ctx.now, ctx.prefix), private=True)

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
