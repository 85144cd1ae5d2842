"""Chapter discussions: open and close a chapter's thread (once per chapter of a group's
book, claimed in the database first), post polls and end them with their results, take
votes heard by the adapters, and count what happens in a chapter's thread (never what was
written) for the recap.

What it needs of other features comes from the composition root through core protocols:
the check-ins (`CheckIns`), the plan's chapter (`CurrentChapter`); platform actions go
through `Threads`."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.content.library import ContentStore
from bot.content.model import Book, Chapter
from bot.core.activity import Activity, ActivityKind
from bot.core.answers import AnswerOutcome
from bot.core.chapters import CurrentChapter
from bot.core.checkins import CheckIns
from bot.core.clock import Clock
from bot.core.commands import UserError
from bot.core.outbox import Outbox, PostError
from bot.core.refs import Caller, MemberRef, Place
from bot.core.replies import Reply
from bot.core.supervisor import Supervisor
from bot.core.threads import PollSpec, Threads, ThreadSpec, Vote, VoteMode, poll_problems
from bot.features.chapters.model import (
    CHECKIN,
    DECISION,
    FINISHED,
    ChapterThread,
    Poll,
    PollResult,
    Recap,
    epoch,
    from_epoch,
    opening,
    progress_poll,
    results_reply,
    thread_title,
)
from bot.features.chapters.repo import ChaptersRepo

log = logging.getLogger(__name__)

OptedOut = Callable[[MemberRef], Awaitable[bool]]
# Buffered messages are written once this many wait (and at every recap, close and stop).
FLUSH_AT = 200


async def nobody_opted_out(member: MemberRef) -> bool:
    return False


class ChaptersService:
    def __init__(
        self,
        repo: ChaptersRepo,
        store: ContentStore,
        clock: Clock,
        threads: Threads,
        outbox: Outbox,
        supervisor: Supervisor,
        checkins: CheckIns,
        current_chapter: CurrentChapter,
        poll_hours: int = 24,
        progress_poll_hours: int = 168,
        is_opted_out: OptedOut = nobody_opted_out,
        open_with_plan: bool = True,
    ) -> None:
        self.repo = repo
        self.open_with_plan = open_with_plan
        self.store = store
        self.clock = clock
        self.threads = threads
        self.outbox = outbox
        self.supervisor = supervisor
        self.checkins = checkins
        self.current_chapter = current_chapter
        self.poll_hours = poll_hours
        self.progress_poll_hours = progress_poll_hours
        self.is_opted_out = is_opted_out
        self._messages: Counter[tuple[Place, str, int]] = Counter()
        # poll row id -> (when it ends, its timer); a cache, the database decides
        self._timers: dict[int, tuple[datetime, asyncio.Task[None]]] = {}
        self._firing: set[asyncio.Task[None]] = set()

    # -- chapters ---------------------------------------------------------------------

    async def chapter(self, place: Place, number: int | None, prefix: str) -> tuple[Book, Chapter]:
        """The chapter named, else the one whose thread this is, else the plan's."""
        book = await self.store.book_for(place)
        if number is None:
            here = await self.repo.thread_at(place) if place.thread_id else None
            number = here.chapter if here is not None else await self.current_chapter(place)
        if number is None:
            raise UserError(
                f"Which chapter? Name one ({book.chapter_list()}), or set the reading plan "
                f"with {prefix}plan set <chapter>."
            )
        chapter = book.chapter(number)
        if chapter is None:
            raise UserError(f"There is no chapter {number}. Chapters: {book.chapter_list()}.")
        return book, chapter

    async def open(self, place: Place, number: int | None, prefix: str) -> Reply:
        book, chapter = await self.chapter(place, number, prefix)
        if not self.threads.supports(place):
            raise UserError("Chapter threads cannot be opened on this platform here.")
        await self.flush()  # what was said before the thread opened does not count for it
        now = self.clock.now()
        row_id = await self.repo.claim(place.channel, book.meta.id, chapter.number, epoch(now))
        if row_id is None:
            existing = await self.repo.thread(place.group, book.meta.id, chapter.number)
            if existing is None or existing.link is None:
                raise UserError(f"Chapter {chapter.number}'s thread is being opened; try again.")
            state = "" if existing.is_open else " (closed)"
            return Reply(
                text=f"Chapter {chapter.number} already has its thread{state}: {existing.link}"
            )
        poll = progress_poll(book, chapter, self.progress_poll_hours)
        spec = ThreadSpec(
            title=thread_title(chapter),
            opening=opening(chapter, prefix),
            poll=poll,
            tag=f"chapter {chapter.number}",
        )
        try:
            opened = await self.threads.open_thread(place.channel, spec)
        except PostError as exc:
            await self.repo.unclaim(row_id)
            raise UserError(f"The thread could not be opened: {exc}") from None
        await self.repo.opened(row_id, opened.place, opened.link)
        poll_row = await self.repo.add_poll(
            opened.place,
            opened.poll_id,
            row_id,
            CHECKIN,
            poll.question,
            poll.options,
            epoch(now),
            epoch(now + timedelta(hours=poll.hours)),
        )
        self._arm(poll_row, now + timedelta(hours=poll.hours))
        return Reply(
            title=f"Chapter {chapter.number} is open for discussion",
            text=f"{thread_title(chapter)}: {opened.link}",
        )

    async def reached(self, place: Place, number: int, prefix: str) -> Reply | None:
        """The plan reached a chapter: open its thread where the platform has threads,
        unless it has one (the ChapterReached the composition root gives the plan)."""
        if not self.open_with_plan or not self.threads.supports(place):
            return None
        book = await self.store.book_for(place)
        if await self.repo.thread(place.group, book.meta.id, number) is not None:
            return None
        try:
            return await self.open(place, number, prefix)
        except UserError as exc:
            return Reply(text=str(exc))

    async def close(self, place: Place, number: int | None, prefix: str) -> Reply:
        book, chapter = await self.chapter(place, number, prefix)
        found = await self.repo.thread(place.group, book.meta.id, chapter.number)
        if found is None or found.thread is None:
            raise UserError(
                f"Chapter {chapter.number} has no thread; open it with "
                f"{prefix}chapter open {chapter.number}."
            )
        if not found.is_open:
            raise UserError(f"Chapter {chapter.number}'s thread is already closed: {found.link}")
        await self.flush()
        if not await self.repo.close(found.id, epoch(self.clock.now())):
            raise UserError(f"Chapter {chapter.number}'s thread is already closed: {found.link}")
        for poll in await self.repo.thread_polls(found.id):
            if poll.ended_at is None:
                await self.end_poll(poll.id)
        try:
            locked = await self.threads.close_thread(found.thread)
        except PostError as exc:
            log.warning("chapter %s: closing the thread failed: %s", chapter.number, exc)
            locked = False
        how = "locked and archived" if locked else "closed here (the platform cannot lock it)"
        return Reply(text=f"Chapter {chapter.number}'s thread is {how}: {found.link}")

    # -- polls ------------------------------------------------------------------------

    async def post_poll(self, place: Place, question: str, options: Sequence[str]) -> Reply:
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
        self._arm(row, now + timedelta(hours=hours))
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

    def _arm(self, row_id: int, ends: datetime) -> None:
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
                self._arm(poll.id, from_epoch(poll.ends_at))

    @property
    def armed(self) -> int:
        return len(self._timers)

    # -- counts -----------------------------------------------------------------------

    def record(self, activity: Activity) -> None:
        """An activity sink: a message counts for the chapter whose thread it is in."""
        if activity.kind not in (ActivityKind.MESSAGE, ActivityKind.THREAD_REPLY):
            return
        self._messages[(activity.place, activity.user_id, epoch(activity.at))] += 1
        if sum(self._messages.values()) >= FLUSH_AT:
            self.supervisor.spawn("chapters-flush", self.flush())

    async def flush(self) -> None:
        """Write the buffered message counts to the chapters whose threads they were in."""
        pending, self._messages = self._messages, Counter()
        counts: dict[tuple[int, str], tuple[int, int, int]] = {}
        threads: dict[Place, ChapterThread | None] = {}
        for (place, user_id, at), n in pending.items():
            if place not in threads:
                threads[place] = await self.repo.thread_at(place)
            thread = threads[place]
            if (
                thread is None
                or at < thread.opened_at
                or await self.is_opted_out(MemberRef(place.platform, user_id))
            ):
                continue
            key = (thread.id, user_id)
            old = counts.get(key, (0, 0, 0))
            counts[key] = (old[0] + n, old[1], old[2])
        if counts:
            await self.repo.add_counts(counts)

    async def answered(self, outcomes: Sequence[AnswerOutcome]) -> None:
        """An answer sink: quiz answers on a chapter count for its open thread."""
        counts: dict[tuple[int, str], tuple[int, int, int]] = {}
        for outcome in outcomes:
            if outcome.chapter is None or await self.is_opted_out(outcome.member):
                continue
            for thread in await self.repo.open_thread_for(
                outcome.place.group, outcome.chapter, epoch(outcome.at)
            ):
                if thread.book_id != outcome.book_id:
                    continue
                key = (thread.id, outcome.member.user_id)
                old = counts.get(key, (0, 0, 0))
                counts[key] = (old[0], old[1] + 1, old[2] + int(outcome.correct))
        if counts:
            await self.repo.add_counts(counts)

    async def recap(self, place: Place, number: int | None, prefix: str) -> tuple[Reply, Place]:
        """The chapter's counts since its thread opened, and the thread to post them in."""
        book, chapter = await self.chapter(place, number, prefix)
        found = await self.repo.thread(place.group, book.meta.id, chapter.number)
        if found is None or found.thread is None:
            raise UserError(
                f"Chapter {chapter.number} has no thread to recap; open it with "
                f"{prefix}chapter open {chapter.number}."
            )
        await self.flush()
        counts = await self.repo.counts(found.id)
        polls = await self.repo.thread_polls(found.id)
        results = [await self.results(p) for p in polls]
        voters: set[str] = set()
        for poll in polls:
            voters |= {user for user, _ in await self.repo.votes(poll.id)}
        checked = await self.checkins.checked_in(found.thread, chapter.number)
        members = set(counts) | voters
        recap = Recap(
            chapter,
            members=len(members),
            messages=sum(c[0] for c in counts.values()),
            checkins=len(checked),
            polls=results,
            quiz_answers=sum(c[1] for c in counts.values()),
            quiz_correct=sum(c[2] for c in counts.values()),
        )
        return recap.reply(), found.thread

    async def thread_place(self, place: Place, chapter: int) -> Place | None:
        book = await self.store.book_for(place)
        found = await self.repo.thread(place.group, book.meta.id, chapter)
        return found.thread if found is not None and found.is_open else None
