"""What a feature keeps about a member, so `privacy show/delete/optout` cover all of it."""

from __future__ import annotations

from typing import Protocol

from bot.core.refs import MemberRef


class MemberData(Protocol):
    async def describe(self, member: MemberRef) -> str | None:
        """One line saying what is kept about the member, or None when nothing is."""
        ...

    async def forget(self, member: MemberRef) -> None:
        """Delete what is kept about the member."""
        ...
