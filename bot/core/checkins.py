"""Check-ins as other features see them: the reading plan answers, a chapter's native poll
asks ("How far are you?": a vote for the finished chapter checks the member in)."""

from __future__ import annotations

from typing import Protocol

from bot.core.refs import MemberRef, Place


class CheckIns(Protocol):
    async def check_in(self, place: Place, member: MemberRef, chapter: int) -> bool:
        """Check the member in for the chapter of the group's book; True when this was
        new, False when they had checked in before or opted out of records."""
        ...

    async def checked_in(self, place: Place, chapter: int) -> set[str]:
        """The user ids checked in for the chapter of the group's book."""
        ...


class NoCheckIns:
    async def check_in(self, place: Place, member: MemberRef, chapter: int) -> bool:
        return False

    async def checked_in(self, place: Place, chapter: int) -> set[str]:
        return set()
