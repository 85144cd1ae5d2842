"""What a feature offers the composition root: commands, help notes, activity sinks, member
data for privacy, and a start and a stop. The root registers features by name, starts them
in order and stops them in reverse order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.core.activity import ActivitySink
from bot.core.answers import AnswerSink
from bot.core.commands import Command
from bot.core.member_data import MemberData


class Feature(Protocol):
    name: str

    def commands(self) -> Sequence[Command]:
        """The commands it adds to the one command table."""
        ...

    def help_notes(self) -> Sequence[str]:
        """Lines it adds to `help` (how quiz points are counted...)."""
        ...

    def sinks(self) -> Sequence[ActivitySink]:
        """Where it wants activity events (the participation recorder)."""
        ...

    def member_data(self) -> Sequence[MemberData]:
        """What it keeps about members, for `privacy show/delete/optout`."""
        ...

    def answer_sinks(self) -> Sequence[AnswerSink]:
        """Where it wants judged quiz answers (spaced review of missed items)."""
        ...

    async def start(self) -> None:
        """Resume stored state and start background work (adapters are connected)."""
        ...

    async def stop(self) -> None:
        """Stop background work and flush what is buffered."""
        ...


class BaseFeature:
    """Empty defaults for the Feature protocol; features override what they have."""

    name = "feature"

    def commands(self) -> Sequence[Command]:
        return ()

    def help_notes(self) -> Sequence[str]:
        return ()

    def sinks(self) -> Sequence[ActivitySink]:
        return ()

    def member_data(self) -> Sequence[MemberData]:
        return ()

    def answer_sinks(self) -> Sequence[AnswerSink]:
        return ()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
