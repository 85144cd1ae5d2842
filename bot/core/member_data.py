"""What a feature keeps about a member, so `privacy show/delete/optout` cover all of it."""

from __future__ import annotations

from typing import Protocol


class MemberData(Protocol):
    async def describe(self, platform: str, user_id: str) -> str | None:
        """One line saying what is kept about the member, or None when nothing is."""
        ...

    async def forget(self, platform: str, user_id: str) -> None:
        """Delete what is kept about the member."""
        ...
