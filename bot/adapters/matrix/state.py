"""What the Matrix adapter keeps across restarts, as it sees it: the sync token, the event
ids it has handled, the messages that carry choices and the reactions members put on them;
and the sync lease that lets one process of several sync the account. The composition root
hands it implementations (bot.adapter_state.matrix and bot.adapter_state.lease)."""

from __future__ import annotations

import asyncio
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

    async def room_origin(self, room_id: str) -> str | None:
        """The first room of an upgraded room's line (its group key); None if not upgraded."""
        ...

    async def room_current(self, origin: str) -> str | None:
        """The room that now carries the line begun by `origin`; None if never upgraded."""
        ...

    async def link_rooms(self, old: str, new: str) -> str:
        """Record that `new` replaces `old` (a tombstone); returns the line's first room."""
        ...


class SyncLease(Protocol):
    """The right to run the account's one sync stream: every process configured for the
    same Matrix account shares it, and only its holder syncs (bot.adapter_state.lease)."""

    async def try_acquire(self) -> bool:
        """One attempt: True when this process holds the lease now."""
        ...

    async def acquire(self) -> None:
        """Return once this process holds the lease (waiting while another holds it)."""
        ...

    async def keep(self) -> None:
        """Renew the held lease on schedule; return as soon as it is lost."""
        ...

    async def held(self) -> bool:
        """Whether the lease is still this process's (asked before each sync batch)."""
        ...

    async def release(self) -> None: ...


class SoleLease:
    """The lease of a process that is alone by construction (tests that run one adapter)."""

    async def try_acquire(self) -> bool:
        return True

    async def acquire(self) -> None:
        return None

    async def keep(self) -> None:
        await asyncio.Event().wait()  # never lost

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None
