"""What became of a member's answer to a quiz item, for features that learn from answers
(spaced review of missed items). The quiz publishes outcomes to the sinks the composition
root gives it; it knows nothing of who listens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.refs import MemberRef, Place


@dataclass(frozen=True)
class AnswerOutcome:
    """A member's final answer to one quiz item, once judged (a group quiz's question
    closed, or a practice answer given)."""

    member: MemberRef
    place: Place
    book_id: str
    chapter: int | None  # None when the quiz was not on one chapter (a deck, all chapters)
    item_id: str
    correct: bool
    at: datetime  # when the answer was given
    seconds: float | None = None  # how long the member took, when known
    time_limit: int | None = None  # the question's time limit in seconds, when timed


class AnswerSink(Protocol):
    async def answered(self, outcomes: Sequence[AnswerOutcome]) -> None:
        """Take judged answers (called after the quiz committed them; must not raise)."""
        ...
