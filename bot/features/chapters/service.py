"""Chapter discussions: open and close a chapter's thread (once per chapter of a group's
book, claimed in the database first), post polls and end them with their results, take
votes heard by the adapters, and count what happens in a chapter's thread (never what was
written) for the recap.

What it needs of other features comes from the composition root through core protocols:
the check-ins (`CheckIns`), the plan's chapter (`CurrentChapter`); platform actions go
through `Threads`."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from bot.content.library import ContentStore
from bot.content.model import Book, Chapter
from bot.core.activity import Activity, ActivityKind
from bot.core.answers import AnswerOutcome
from bot.core.chapters import CurrentChapter
from bot.core.checkins import CheckIns
from bot.core.clock import Clock
from bot.core.commands import UserError
from bot.core.outbox import Outbox, PostError
from bot.core.refs import MemberRef, Place
from bot.core.replies import Reply
from bot.core.supervisor import Supervisor
from bot.core.threads import Threads, ThreadSpec
from bot.features.chapters.model import (
    CHECKIN,
    ChapterThread,
    Recap,
    epoch,
    opening,
    progress_poll,
    thread_title,
)
from bot.features.chapters.polls import ChapterPolls
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
        self.polls = ChapterPolls(repo, clock, threads, outbox, supervisor, checkins, poll_hours)

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
        self.polls.arm(poll_row, now + timedelta(hours=poll.hours))
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

    async def opened(
        self, place: Place, number: int | None, prefix: str, what: str
    ) -> tuple[Chapter, ChapterThread, Place]:
        """The chapter, its thread's row and the thread; a clear refusal when it has none."""
        book, chapter = await self.chapter(place, number, prefix)
        found = await self.repo.thread(place.group, book.meta.id, chapter.number)
        if found is None or found.thread is None:
            raise UserError(
                f"Chapter {chapter.number} has no thread{what}; open it with "
                f"{prefix}chapter open {chapter.number}."
            )
        return chapter, found, found.thread

    async def close(self, place: Place, number: int | None, prefix: str) -> Reply:
        chapter, found, thread = await self.opened(place, number, prefix, "")
        if not found.is_open:
            raise UserError(f"Chapter {chapter.number}'s thread is already closed: {found.link}")
        await self.flush()
        if not await self.repo.close(found.id, epoch(self.clock.now())):
            raise UserError(f"Chapter {chapter.number}'s thread is already closed: {found.link}")
        for poll in await self.repo.thread_polls(found.id):
            if poll.ended_at is None:
                await self.polls.end_poll(poll.id)
        try:
            locked = await self.threads.close_thread(thread)
        except PostError as exc:
            log.warning("chapter %s: closing the thread failed: %s", chapter.number, exc)
            locked = False
        how = "locked and archived" if locked else "closed here (the platform cannot lock it)"
        return Reply(text=f"Chapter {chapter.number}'s thread is {how}: {found.link}")

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
        chapter, found, thread = await self.opened(place, number, prefix, " to recap")
        await self.flush()
        counts = await self.repo.counts(found.id)
        polls = await self.repo.thread_polls(found.id)
        results = [await self.polls.results(p) for p in polls]
        voters: set[str] = set()
        for poll in polls:
            voters |= {user for user, _ in await self.repo.votes(poll.id)}
        checked = await self.checkins.checked_in(thread, chapter.number)
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
        return recap.reply(), thread

    async def thread_place(self, place: Place, chapter: int) -> Place | None:
        book = await self.store.book_for(place)
        found = await self.repo.thread(place.group, book.meta.id, chapter)
        return found.thread if found is not None and found.is_open else None
