"""When timed questions close: a timer per open timed question this process knows of (it
started, advanced or found the quiz at start), and a sweeper that looks in the database
every `quiz.sweep_seconds` for overdue questions of any process. Both only call `close`,
which decides in a transaction; the loser of a race does nothing. Time comes from the
injected clock."""

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

# Close question `position` of quiz `id` if it is still open and due; True when this call did.
Close = Callable[[int, int], Awaitable[bool]]


class QuizTimers:
    def __init__(
        self,
        clock: Clock,
        supervisor: Supervisor,
        repo: QuizRepo,
        sweep_seconds: int,
        close: Close,
    ) -> None:
        self.clock = clock
        self.supervisor = supervisor
        self.repo = repo
        self.sweep_seconds = sweep_seconds
        self.close = close
        # quiz id -> (the question it waits for, its task); a cache, never a decision
        self._timers: dict[int, tuple[int, asyncio.Task[None]]] = {}

    def arm(self, session: QuizSession) -> None:
        """Wait for the session's open timed question (and stop waiting for an older one)."""
        if session.phase is not Phase.OPEN or session.deadline is None:
            self.disarm(session.id)
            return
        armed = self._timers.get(session.id)
        if armed is not None and armed[0] == session.position:
            return
        self.disarm(session.id)
        task = self.supervisor.spawn(
            f"quiz-{session.id}-timer",
            self._timer(session.id, session.position, session.deadline),
        )
        self._timers[session.id] = (session.position, task)

    def disarm(self, quiz_id: int) -> None:
        armed = self._timers.pop(quiz_id, None)
        if armed is not None and armed[1] is not asyncio.current_task():
            armed[1].cancel()

    @property
    def armed(self) -> int:
        return len(self._timers)

    async def _timer(self, quiz_id: int, position: int, deadline: datetime) -> None:
        await self.clock.sleep_until(deadline)
        # Firing: from here on no command cancels it in the middle of its transaction.
        armed = self._timers.get(quiz_id)
        if armed is not None and armed[1] is asyncio.current_task():
            del self._timers[quiz_id]
        await self.close(quiz_id, position)

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
        """Close every overdue timed question (of any process); how many this one closed."""
        now = self.clock.now()
        closed = 0
        for quiz_id, position, deadline in await self.repo.open_deadlines():
            if deadline <= now and await self.close(quiz_id, position):
                closed += 1
        return closed
