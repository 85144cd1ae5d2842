"""What the Matrix adapter keeps across restarts, as it sees it: the sync token, the event
ids it has handled, the messages that carry choices and the reactions members put on them.
The composition root hands it an implementation (bot.adapter_state.matrix)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.replies import ChoiceSet


@dataclass(frozen=True)
class Withdrawal:
    """What a redacted reaction means for its member's pick on that message."""

    target_id: str
    user_id: str
    choices: ChoiceSet
    # The option now picked (an older reaction still standing), or None: nothing left.
    now_picked: int | None
    # False when the redacted reaction was not the member's current pick: nothing to do.
    changes_pick: bool


class MatrixStore(Protocol):
    async def sync_token(self) -> str | None: ...

    async def save_sync_token(self, token: str) -> None: ...

    async def first_sight(self, event_id: str, at: datetime) -> bool:
        """Mark an event handled; False when it was handled before (a duplicate)."""
        ...

    async def forget_seen_before(self, before: datetime) -> None: ...

    async def save_choices(
        self, event_id: str, room_id: str, choices: ChoiceSet, at: datetime
    ) -> None: ...

    async def choices(self, event_id: str) -> ChoiceSet | None: ...

    async def add_reaction(
        self, reaction_id: str, target_id: str, user_id: str, option: int
    ) -> None: ...

    async def remove_reaction(self, reaction_id: str) -> Withdrawal | None: ...

    async def direct_room(self, member: str) -> str | None:
        """The bot's direct room with a member, as kept."""
        ...

    async def save_direct_room(self, member: str, room_id: str) -> None: ...
