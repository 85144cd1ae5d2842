"""Discussion threads and native polls: what a platform can open, post and close for a
feature, and the votes it hears back.

Adapters that can do it register here (`Threads.register`); a feature asks through
`Threads` and never sees a platform. A vote a member casts in a platform's own poll
(Discord's message poll, Matrix MSC3381) comes back as a `Vote` to the sinks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.core.outbox import PostError
from bot.core.refs import Caller, MemberRef, Place
from bot.core.replies import Reply

log = logging.getLogger(__name__)

# What Discord accepts (and the lowest common limits we keep everywhere).
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 55
POLL_OPTIONS_MAX = 10
POLL_HOURS_MAX = 768


@dataclass(frozen=True)
class PollSpec:
    """A poll to post: the options are numbered from 0; `hours` until it ends."""

    question: str
    options: tuple[str, ...]
    hours: int = 24
    multiselect: bool = False
    # Results hidden until the end where the platform can (Matrix undisclosed polls).
    undisclosed: bool = False


@dataclass(frozen=True)
class ThreadSpec:
    """A discussion thread to open in a channel, with its first message and poll."""

    title: str
    opening: Reply
    poll: PollSpec | None = None
    # A short label a forum may tag the post with ("chapter 15").
    tag: str | None = None


@dataclass(frozen=True)
class OpenedThread:
    """Where the thread is (a place with its thread id), a link or mention to show
    members, and the id of the poll posted with it (None without one)."""

    place: Place
    link: str
    poll_id: str | None = None


class VoteMode(StrEnum):
    ADD = "add"  # these options were chosen (Discord sends one vote per option)
    REMOVE = "remove"  # these options were taken back
    REPLACE = "replace"  # the member's whole choice now (Matrix: the latest response wins)


@dataclass(frozen=True)
class Vote:
    """A member's vote in a platform's poll, by option index (0 = the first option)."""

    place: Place
    caller: Caller
    poll_id: str
    options: tuple[int, ...]
    mode: VoteMode
    at: datetime


# Whether data about a member may be kept (asked before a vote is passed on).
MayKeep = Callable[[MemberRef], Awaitable[bool]]


class ThreadPlatform(Protocol):
    """An adapter that opens threads and posts polls for features."""

    async def open_thread(self, place: Place, spec: ThreadSpec) -> OpenedThread:
        """Open a thread in the place's channel; raises PostError when refused."""
        ...

    async def close_thread(self, thread: Place) -> bool:
        """Lock or archive the thread; False when the platform cannot."""
        ...

    async def post_poll(self, place: Place, poll: PollSpec) -> str:
        """Post a poll; returns its id (the message or event id votes name)."""
        ...

    async def end_poll(self, place: Place, poll_id: str, results: Reply) -> None:
        """End the poll where the platform can, and post its results."""
        ...


class VoteSink(Protocol):
    async def voted(self, vote: Vote) -> None:
        """Take one vote (must not raise)."""
        ...


class Threads:
    """Routes thread and poll requests to the adapter of the place's platform, and votes
    from adapters to the features that listen."""

    def __init__(self, may_keep: MayKeep | None = None) -> None:
        # Whether a member's vote may be kept (they have not opted out): the engine's.
        self.may_keep = may_keep
        self._platforms: dict[str, ThreadPlatform] = {}
        self.sinks: list[VoteSink] = []
        # Votes are taken one at a time, in the order they came (a vote and its removal
        # must not overtake each other).
        self._votes = asyncio.Lock()

    def register(self, platform: str, adapter: ThreadPlatform) -> None:
        self._platforms[platform] = adapter

    def supports(self, place: Place) -> bool:
        return place.platform in self._platforms

    def _platform(self, place: Place) -> ThreadPlatform:
        found = self._platforms.get(place.platform)
        if found is None:
            raise PostError(f"no adapter for {place.platform} here opens threads or polls")
        return found

    async def open_thread(self, place: Place, spec: ThreadSpec) -> OpenedThread:
        return await self._platform(place).open_thread(place, spec)

    async def close_thread(self, thread: Place) -> bool:
        return await self._platform(thread).close_thread(thread)

    async def post_poll(self, place: Place, poll: PollSpec) -> str:
        return await self._platform(place).post_poll(place, poll)

    async def end_poll(self, place: Place, poll_id: str, results: Reply) -> None:
        await self._platform(place).end_poll(place, poll_id, results)

    async def vote(self, vote: Vote) -> None:
        """A vote heard by an adapter: every sink takes it, unless the member opted out."""
        member = MemberRef(vote.place.platform, vote.caller.user_id)
        async with self._votes:  # first, so no await lets a later vote overtake this one
            if self.may_keep is not None and not await self.may_keep(member):
                return
            for sink in self.sinks:
                try:
                    await sink.voted(vote)
                except Exception:
                    log.exception("vote sink %r failed", sink)


def poll_problems(question: str, options: Sequence[str], hours: int) -> list[str]:
    """What is wrong with a poll, in words a moderator understands (empty when none)."""
    problems = []
    if not question.strip():
        problems.append("the question is empty")
    elif len(question) > POLL_QUESTION_MAX:
        problems.append(f"the question is {len(question)} characters; at most {POLL_QUESTION_MAX}")
    if len(options) < 2:
        problems.append("a poll needs at least two options")
    if len(options) > POLL_OPTIONS_MAX:
        problems.append(f"{len(options)} options; at most {POLL_OPTIONS_MAX}")
    for i, option in enumerate(options, 1):
        if not option.strip():
            problems.append(f"option {i} is empty")
        elif len(option) > POLL_OPTION_MAX:
            problems.append(f"option {i} is {len(option)} characters; at most {POLL_OPTION_MAX}")
    folded = [o.strip().casefold() for o in options]
    if len(set(folded)) != len(folded):
        problems.append("two options are the same")
    if not 1 <= hours <= POLL_HOURS_MAX:
        problems.append(f"a poll lasts 1 to {POLL_HOURS_MAX} hours; got {hours}")
    return problems
