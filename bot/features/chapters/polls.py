"""Polls of a group: a chapter's "How far are you?" and moderators' decisions. Each is
posted through the platform's native poll (the console numbers its options), its votes
kept per member and option, and it ends at its time (a timer per poll this process
reaches, resumed at start) or when asked, once: its results are posted then. A vote for a
chapter poll's "Finished" checks the member in."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.checkins import CheckIns
from bot.core.clock import Clock
from bot.core.commands import UserError
from bot.core.outbox import Outbox, PostError
from bot.core.refs import Caller, MemberRef, Place
from bot.core.replies import Reply
from bot.core.supervisor import Supervisor
from bot.core.threads import PollSpec, Threads, Vote, VoteMode, poll_problems
from bot.features.chapters.model import (
    CHECKIN,
    DECISION,
    FINISHED,
    ChapterThread,
    Poll,
    PollResult,
    epoch,
    from_epoch,
    results_reply,
)
from bot.features.chapters.repo import ChaptersRepo

log = logging.getLogger(__name__)


class ChapterPolls:
    def __init__(
        self,
        repo: ChaptersRepo,
        clock: Clock,
        threads: Threads,
        outbox: Outbox,
        supervisor: Supervisor,
        checkins: CheckIns,
        poll_hours: int,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.threads = threads
        self.outbox = outbox
        self.supervisor = supervisor
        self.checkins = checkins
        self.poll_hours = poll_hours
        # poll row id -> (when it ends, its timer); a cache, the database decides
        self._timers: dict[int, tuple[datetime, asyncio.Task[None]]] = {}
        self._firing: set[asyncio.Task[None]] = set()

    async def post(self, place: Place, question: str, options: Sequence[str]) -> Reply:
        hours = self.poll_hours
        if problems := poll_problems(question, options, hours):
            raise UserError(
                "That poll cannot be posted: "
                + "; ".join(problems)
                + ". Write: poll QUESTION | OPTION | OPTION ..."
            )
        if not self.threads.supports(place):
            raise UserError("Polls cannot be posted on this platform here.")
        spec = PollSpec(question.strip(), tuple(o.strip() for o in options), hours)
        try:
            poll_id = await self.threads.post_poll(place, spec)
        except PostError as exc:
            raise UserError(f"The poll could not be posted: {exc}") from None
        now = self.clock.now()
        here = await self.repo.thread_at(place)
        row = await self.repo.add_poll(
            place,
            poll_id,
            here.id if here is not None else None,
            DECISION,
            spec.question,
            spec.options,
            epoch(now),
            epoch(now + timedelta(hours=hours)),
        )
        self.arm(row, now + timedelta(hours=hours))
        return Reply(
            text=f"Poll {row} posted; it ends in {hours} hour{'s' if hours != 1 else ''} "
            "and its results are posted then.",
            private=True,
        )

    async def vote_here(self, place: Place, caller: Caller, choice: int) -> Reply:
        """A vote by command (the console, which has no native poll)."""
        poll = await self.repo.latest_open_poll(place)
        if poll is None:
            raise UserError("There is no open poll here.")
        if not 1 <= choice <= len(poll.options):
            raise UserError(f"Choose an option from 1 to {len(poll.options)}.")
        await self._vote(poll, place, caller, (choice - 1,), VoteMode.REPLACE)
        return Reply(text=f"Your vote: {poll.options[choice - 1]}.", private=True)

    async def voted(self, vote: Vote) -> None:
        """A vote heard by an adapter in a platform's own poll."""
        poll = await self.repo.poll_by_platform_id(vote.place.platform, vote.poll_id)
        if poll is None or poll.ended_at is not None:
            return
        await self._vote(poll, vote.place, vote.caller, vote.options, vote.mode)

    async def _vote(
        self, poll: Poll, place: Place, caller: Caller, options: Sequence[int], mode: VoteMode
    ) -> None:
        valid = [i for i in options if 0 <= i < len(poll.options)]
        if len(valid) != len(options):
            valid = []  # an option the poll does not have spoils the vote (MSC3381)
        if mode is VoteMode.REPLACE:
            valid = valid[:1]  # every poll here takes one option (max_selections 1)
        at = epoch(self.clock.now())
        await self.repo.set_votes(
            poll.id,
            caller.user_id,
            add=valid if mode is not VoteMode.REMOVE else (),
            remove=valid if mode is VoteMode.REMOVE else (),
            replace=mode is VoteMode.REPLACE,
            at=at,
        )
        if poll.kind == CHECKIN and mode is not VoteMode.REMOVE and FINISHED in valid:
            thread = await self._thread_of(poll)
            if thread is not None:
                member = MemberRef(place.platform, caller.user_id)
                await self.checkins.check_in(poll.place, member, thread.chapter)

    async def _thread_of(self, poll: Poll) -> ChapterThread | None:
        return await self.repo.thread_by_id(poll.thread) if poll.thread is not None else None

    async def results(self, poll: Poll) -> PollResult:
        votes = await self.repo.votes(poll.id)
        counts = Counter(choice for _, choice in votes)
        return PollResult(
            poll.question,
            poll.options,
            tuple(counts.get(i, 0) for i in range(len(poll.options))),
            len({user for user, _ in votes}),
        )

    async def end_poll(self, row_id: int) -> bool:
        """End the poll and post its results; True for the one call that did."""
        self._disarm(row_id)
        if not await self.repo.end_poll(row_id, epoch(self.clock.now())):
            return False
        poll = await self.repo.poll(row_id)
        if poll is None:
            return False
        reply = results_reply(await self.results(poll), ended=True)
        try:
            if poll.poll_id is not None and self.threads.supports(poll.place):
                await self.threads.end_poll(poll.place, poll.poll_id, reply)
            else:
                await self.outbox.post(poll.place, [reply])
        except PostError as exc:
            log.warning("poll %s: the results could not be posted: %s", row_id, exc)
        return True

    async def end_latest(self, place: Place) -> Reply:
        poll = await self.repo.latest_open_poll(place)
        if poll is None:
            raise UserError("There is no open poll here.")
        await self.end_poll(poll.id)
        return Reply(text=f"Poll {poll.id} ended.", private=True)

    def arm(self, row_id: int, ends: datetime) -> None:
        self._disarm(row_id)
        task = self.supervisor.spawn(f"poll-{row_id}-timer", self._timer(row_id, ends))
        self._timers[row_id] = (ends, task)

    def _disarm(self, row_id: int) -> None:
        armed = self._timers.pop(row_id, None)
        if armed is not None and armed[1] is not asyncio.current_task():
            armed[1].cancel()

    async def _timer(self, row_id: int, ends: datetime) -> None:
        await self.clock.sleep_until(ends)
        task = asyncio.current_task()
        assert task is not None
        self._firing.add(task)
        try:
            self._timers.pop(row_id, None)
            await self.end_poll(row_id)
        finally:
            self._firing.discard(task)

    async def wait_idle(self) -> None:
        """Wait until every poll due by now has ended (tests move a fake clock)."""
        now = self.clock.now()
        while due := [t for when, t in self._timers.values() if when <= now] + list(self._firing):
            await asyncio.gather(*due, return_exceptions=True)

    async def resume(self) -> None:
        """Arm a timer for every poll still open (ended at once when its time passed)."""
        for poll in await self.repo.open_polls():
            if self.outbox.reaches(poll.place):
                self.arm(poll.id, from_epoch(poll.ends_at))

    @property
    def armed(self) -> int:
        return len(self._timers)
