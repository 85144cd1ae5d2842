"""Running quizzes: the sessions of each channel, their storage, and the timers that close
timed questions. Commands (quiz_commands.py) call in here; the state machine (quiz.py)
decides; the repository keeps what it decided, so a restart resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config import QuizConfig
from bot.content.library import ContentStore
from bot.content.model import Chapter, QuizItem
from bot.core.activity import ActivityKind
from bot.core.clock import Clock
from bot.core.command_context import CommandContext
from bot.core.commands import UserError
from bot.core.engine import Engine
from bot.core.outbox import PostError
from bot.core.refs import Caller, Place
from bot.core.replies import Reply
from bot.core.supervisor import Supervisor
from bot.features.quiz.model import QuizSession, with_footer
from bot.features.quiz.repo import QuizRepo

log = logging.getLogger(__name__)

KINDS = ("choice", "truefalse", "text")


@dataclass(frozen=True)
class Selection:
    items: list[QuizItem]
    label: str
    chapter: int | None
    deck: str | None
    asked: int  # how many questions were asked for (more than `items` when too few exist)


class QuizService:
    def __init__(
        self,
        config: QuizConfig,
        store: ContentStore,
        repo: QuizRepo,
        engine: Engine,
        clock: Clock,
        rng: random.Random,
        supervisor: Supervisor,
    ) -> None:
        self.config = config
        self.store = store
        self.repo = repo
        self.engine = engine
        self.clock = clock
        self.rng = rng
        self.supervisor = supervisor
        self.sessions: dict[str, QuizSession] = {}
        self._timers: dict[int, asyncio.Task[None]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _lock(self, channel_key: str) -> asyncio.Lock:
        return self._locks.setdefault(channel_key, asyncio.Lock())

    # -- choosing questions -------------------------------------------------------------

    def chapter(self, number: int) -> Chapter:
        """The book's chapter, or a UserError naming the chapters there are."""
        found = self.store.book.chapter(number)
        if found is None:
            chapters = ", ".join(str(n) for n in self.store.book.numbers)
            raise UserError(f"There is no chapter {number}. Chapters: {chapters}.")
        return found

    def select(
        self,
        chapter: int | None,
        deck: str | None,
        kinds: Sequence[str] | None,
        count: int,
    ) -> Selection:
        book = self.store.book
        if deck is not None:
            found = book.deck(deck)
            if found is None:
                names = ", ".join(d.id for d in book.decks) or "none"
                raise UserError(f"There is no quiz deck {deck!r}. Decks: {names}.")
            pool, label = list(found.quiz), f"deck {found.title}"
        elif chapter is not None:
            pool, label = list(self.chapter(chapter).quiz), f"chapter {chapter}"
        else:
            pool, label = [i for c in book.chapters for i in c.quiz], "all chapters"
        if kinds:
            pool = [i for i in pool if i.kind in kinds]
        if not pool:
            what = f" of kind {', '.join(kinds)}" if kinds else ""
            raise UserError(f"There are no quiz items{what} in {label}.")
        chosen = self.rng.sample(pool, min(count, len(pool)))
        return Selection(chosen, label, chapter if deck is None else None, deck, count)

    def question_count(self, asked: int | None) -> int:
        count = self.config.default_questions if asked is None else asked
        if not 1 <= count <= self.config.max_questions:
            raise UserError(f"A quiz asks 1 to {self.config.max_questions} questions.")
        return count

    def seconds(self, asked: int | None) -> int | None:
        seconds = self.config.default_seconds if asked is None else asked
        if seconds is not None and not 5 <= seconds <= self.config.max_seconds:
            raise UserError(f"`seconds` must be between 5 and {self.config.max_seconds}.")
        return seconds

    # -- the group quiz -----------------------------------------------------------------

    def running(self, place: Place) -> QuizSession | None:
        return self.sessions.get(place.channel_key)

    async def start(
        self,
        ctx: CommandContext,
        selection: Selection,
        seconds: int | None,
    ) -> list[Reply]:
        key = ctx.place.channel_key
        async with self._lock(key):
            if key in self.sessions:
                current = self.sessions[key]
                raise UserError(
                    f"A quiz is already running in this channel ({current.label}, question "
                    f"{current.position + 1} of {current.total}); stop it with "
                    f"{ctx.prefix}quiz stop before starting another."
                )
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
            )
            session.open_question(now)
            quiz_id = await self.repo.create(session)
            if quiz_id is None:
                raise UserError("A quiz is already running in this channel.")
            session.id = quiz_id
            self.sessions[key] = session
            self._arm(session)
        timing = f", {seconds} seconds each" if seconds else ""
        fewer = " (all there are)" if selection.asked > session.total else ""
        intro = Reply(
            text=f"{ctx.caller.display_name} started a quiz on {selection.label}: "
            f"{session.total} question(s){fewer}{timing}.",
        )
        return [intro, session.question_reply(ctx.prefix)]

    def _may_run(self, ctx: CommandContext, session: QuizSession, what: str) -> None:
        if not (ctx.is_moderator or ctx.caller.user_id == session.started_by):
            raise UserError(f"Only moderators and the member who started the quiz can {what} it.")

    def _require(self, place: Place, prefix: str) -> QuizSession:
        session = self.sessions.get(place.channel_key)
        if session is None:
            raise UserError(
                f"There is no quiz running in this channel. A moderator starts one "
                f"with {prefix}quiz start."
            )
        return session

    async def next(self, ctx: CommandContext) -> list[Reply]:
        async with self._lock(ctx.place.channel_key):
            session = self._require(ctx.place, ctx.prefix)
            self._may_run(ctx, session, "move on in")
            replies: list[Reply] = []
            if session.phase == "open":
                replies.append(self._close(session, ctx.now))
            if session.advance(ctx.now):
                replies.append(session.question_reply(ctx.prefix))
                self._arm(session)
            else:
                replies.append(session.results_reply())
                del self.sessions[ctx.place.channel_key]
            await self.repo.save_state(session)
        return replies

    async def stop(self, ctx: CommandContext) -> list[Reply]:
        async with self._lock(ctx.place.channel_key):
            session = self._require(ctx.place, ctx.prefix)
            self._may_run(ctx, session, "stop")
            replies: list[Reply] = []
            if session.phase == "open":
                replies.append(self._close(session, ctx.now))
            session.finish(ctx.now)
            replies.append(session.results_reply(stopped=True))
            del self.sessions[ctx.place.channel_key]
            await self.repo.save_state(session)
        return replies

    def status(self, ctx: CommandContext) -> Reply:
        session = self._require(ctx.place, ctx.prefix)
        return Reply(text=session.status_text(ctx.now, ctx.prefix), private=True)

    async def answer(
        self, ctx: CommandContext, raw: str, token: str | None
    ) -> Reply | list[Reply] | None:
        """Answer the channel's quiz; None when no quiz runs here (practice may take it)."""
        session = self.sessions.get(ctx.place.channel_key)
        if token is not None and token.startswith("p"):
            return None  # a practice question's button
        if session is None:
            if token is not None:
                raise UserError("That question has closed; your answer was not counted.")
            return None
        caller = ctx.caller
        outcome = session.answer(caller.user_id, caller.display_name, raw, ctx.now, token)
        if outcome.same:
            return Reply(
                text=f"Your answer to question {outcome.question + 1} is still "
                f"{outcome.answer.given}.",
                private=True,
                tags=frozenset({"ack"}),
            )
        try:
            await self.repo.save_answer(session.id, outcome.question, outcome.answer)
        except Exception:
            # Not stored means not acknowledged: undo it in memory too.
            answers = session.answers.get(outcome.question, {})
            if outcome.previous is None:
                answers.pop(caller.user_id, None)
            else:
                answers[caller.user_id] = outcome.previous
            raise
        if outcome.first:
            self.engine.record(ActivityKind.QUIZ_ANSWER, caller, ctx.place)
            text = f"Your answer to question {outcome.question + 1}: {outcome.answer.given}."
        else:
            text = (
                f"Changed your answer to question {outcome.question + 1}: "
                f"{outcome.answer.given} (was {outcome.previous.given if outcome.previous else ''})."
            )
        return Reply(
            text=f"{text} You can change it until the question closes.",
            private=True,
            tags=frozenset({"ack"}),
        )

    async def withdraw(self, ctx: CommandContext, token: str | None) -> Reply:
        session = self._require(ctx.place, ctx.prefix)
        answer = session.withdraw(ctx.caller.user_id, ctx.now, token)
        try:
            await self.repo.delete_answer(session.id, session.position, ctx.caller.user_id)
        except Exception:
            session.answers.setdefault(session.position, {})[ctx.caller.user_id] = answer
            raise
        return Reply(
            text=f"Your answer to question {session.position + 1} ({answer.given}) is withdrawn.",
            private=True,
            tags=frozenset({"ack"}),
        )

    def _close(self, session: QuizSession, now: datetime) -> Reply:
        """Close the open question (no await: answers after this are refused at once)."""
        self._disarm(session.id)
        right = session.close(now)
        for answer in right:
            self.engine.record(
                ActivityKind.QUIZ_CORRECT, Caller(answer.member, answer.name), session.place
            )
        return session.reveal_reply()

    # -- timers -----------------------------------------------------------------------

    def _arm(self, session: QuizSession) -> None:
        """Start the timer that closes a timed question at its deadline."""
        self._disarm(session.id)
        if session.phase != "open" or session.deadline is None:
            return
        task = self.supervisor.spawn(
            f"quiz-{session.id}-timer",
            self._timer(session.place.channel_key, session.id, session.position, session.deadline),
        )
        self._timers[session.id] = task

    def _disarm(self, quiz_id: int) -> None:
        task = self._timers.pop(quiz_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _timer(self, key: str, quiz_id: int, position: int, deadline: datetime) -> None:
        await self.clock.sleep_until(deadline)
        async with self._lock(key):
            session = self.sessions.get(key)
            if (
                session is None
                or session.id != quiz_id
                or session.position != position
                or session.phase != "open"
            ):
                return
            self._timers.pop(quiz_id, None)
            now = self.clock.now()
            replies = [self._close(session, now)]
            if session.position + 1 >= session.total:
                session.advance(now)
                replies.append(session.results_reply())
                del self.sessions[key]
            else:
                replies[0] = with_footer(
                    replies[0], "Time is up. A moderator moves on with `quiz next`."
                )
            await self.repo.save_state(session)
        try:
            await self.engine.outbox.post(session.place, replies)
        except PostError as exc:
            log.warning("quiz %d: the reveal could not be posted: %s", quiz_id, exc)

    async def resume(self) -> None:
        """At start: take back every running quiz; timed questions keep their deadline."""
        for session in await self.repo.running():
            self.sessions[session.place.channel_key] = session
            self._arm(session)
        if self.sessions:
            log.info("resumed %d running quiz(zes)", len(self.sessions))
