"""When timed steps happen: a timed question closes at its deadline, and a hands-off
quiz asks its next question at `next_at`, a pause after the reveal. A timer per waiting
quiz this process knows of (it started, advanced or found the quiz at start), and a
sweeper that looks in the database every `quiz.sweep_seconds` for overdue steps of any
process. Both only call `step`, which decides in a transaction; the loser of a race does
nothing. Time comes from the injected clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.supervisor import Supervisor
from bot.features.quiz.model import Phase, QuizSession
from bot.features.quiz.repo import QuizRepo

log = logging.getLogger(__name__)

# Take the due step of quiz `id` at question `position` (close it, or ask the next one) if
# it is still there and due; True when this call did.
Step = Callable[[int, int], Awaitable[bool]]


class QuizTimers:
    def __init__(
        self,
        clock: Clock,
        supervisor: Supervisor,
        repo: QuizRepo,
        sweep_seconds: int,
        step: Step,
    ) -> None:
        self.clock = clock
        self.supervisor = supervisor
        self.repo = repo
        self.sweep_seconds = sweep_seconds
        self.step = step
        # quiz id -> (the question and phase it waits in, its task); a cache, never a decision
        self._timers: dict[int, tuple[tuple[int, Phase], asyncio.Task[None]]] = {}

    def arm(self, session: QuizSession) -> None:
        """Wait for the session's next timed step (and stop waiting for an older one)."""
        when = waits_until(session)
        if when is None:
            self.disarm(session.id)
            return
        where = (session.position, session.phase)
        armed = self._timers.get(session.id)
        if armed is not None and armed[0] == where:
            return
        self.disarm(session.id)
        task = self.supervisor.spawn(
            f"quiz-{session.id}-timer", self._timer(session.id, session.position, when)
        )
        self._timers[session.id] = (where, task)

    def disarm(self, quiz_id: int) -> None:
        armed = self._timers.pop(quiz_id, None)
        if armed is not None and armed[1] is not asyncio.current_task():
            armed[1].cancel()

    @property
    def armed(self) -> int:
        return len(self._timers)

    async def _timer(self, quiz_id: int, position: int, when: datetime) -> None:
        await self.clock.sleep_until(when)
        # Firing: from here on no command cancels it in the middle of its transaction.
        armed = self._timers.get(quiz_id)
        if armed is not None and armed[1] is asyncio.current_task():
            del self._timers[quiz_id]
        await self.step(quiz_id, position)

    def start_sweeping(self) -> None:
        self.supervisor.spawn("quiz-sweeper", self._sweep_forever())

    async def _sweep_forever(self) -> None:
        every = timedelta(seconds=self.sweep_seconds)
        due = self.clock.now() + every
        while True:
            await self.clock.sleep_until(due)
            # The next sweep is counted from this wake-up, not from the end of this sweep:
            # time that passes while it runs is not skipped.
            due = self.clock.now() + every
            try:
                await self.sweep()
            except Exception:
                log.exception("quiz: the sweep for overdue questions failed; trying again later")

    async def sweep(self) -> int:
        """Take every overdue step (of any process); how many this one took."""
        now = self.clock.now()
        taken = 0
        for quiz_id, position, when in await self.repo.due_times():
            if when <= now and await self.step(quiz_id, position):
                taken += 1
        return taken


def waits_until(session: QuizSession) -> datetime | None:
    """When the session's next timed step is due: its open question's deadline, or its
    next question's time in a hands-off pause; None when it waits for a moderator."""
    if session.phase is Phase.OPEN:
        return session.deadline
    if session.phase is Phase.CLOSED:
        return session.next_at
    return None
