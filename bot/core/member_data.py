"""What a feature keeps about a member, so `privacy show/delete/optout` cover all of it,
and the one question every path that would keep member data asks first: has this member
opted out? (The engine asks it before an event reaches the activity sinks and before a
command declared `keeps_member_data` runs; adapters ask `engine.may_keep`.)"""

from __future__ import annotations

from typing import Protocol

from bot.core.refs import MemberRef


class MemberData(Protocol):
    async def describe(self, member: MemberRef) -> str | None:
        """One line saying what is kept about the member, or None when nothing is."""
        ...

    async def forget(self, member: MemberRef) -> None:
        """Delete what is kept about the member: no row, column or key may still hold
        their id or their name afterwards."""
        ...


class OptOuts(Protocol):
    def is_opted_out(self, member: MemberRef) -> bool:
        """From memory, for every event (a message, a reaction): no database trip. An
        opt-out made here counts at once; one made through another process from this
        one's next participation write, which reads the opt-outs again."""
        ...

    async def has_opted_out(self, member: MemberRef) -> bool:
        """Asked of the database, before a command keeps data: an opt-out made through
        another process counts at once."""
        ...


class NoOptOuts:
    """Nobody opted out (an engine built without the privacy feature: tests, fakes)."""

    def is_opted_out(self, member: MemberRef) -> bool:
        return False

    async def has_opted_out(self, member: MemberRef) -> bool:
        return False
