"""Activity events: that something happened (who, where, when), never what was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.core.refs import Place


class ActivityKind(StrEnum):
    MESSAGE = "message"
    THREAD_REPLY = "thread_reply"
    REACTION = "reaction"
    COMMAND = "command"
    QUIZ_ANSWER = "quiz_answer"
    QUIZ_CORRECT = "quiz_correct"


@dataclass(frozen=True)
class Activity:
    kind: ActivityKind
    place: Place
    user_id: str
    display_name: str
    at: datetime


class ActivitySink(Protocol):
    def record(self, activity: Activity) -> None:
        """Take one event. Must not block; may buffer."""
        ...


@runtime_checkable
class Bounded(Protocol):
    """A sink with bounded memory: `room()` waits until it can take more events."""

    async def room(self) -> None: ...
