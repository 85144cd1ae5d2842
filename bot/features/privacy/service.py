"""Members decide what is kept about them: show it, delete it, opt out, opt in.

An opt-out takes effect at once: it is written first, then the in-memory list the
participation recorder checks at its door is updated, then every feature's data about the
member is deleted (`MemberData.forget`). Participation's forget drops what the recorder's
buffer holds and deletes the rows under the recorder's lock, so a batch already taken
cannot land after the deletion. Another process learns of the opt-out at its next write:
the recorder reads the opt-outs again inside each write's transaction and leaves the
member's events out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.clock import Clock
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef
from bot.features.privacy.repo import OptOutRepo


class OptOutList:
    """Who opted out, in memory for the recorder's door; `refresh()` reads the database
    again (the recorder calls it in each write's transaction)."""

    def __init__(self, repo: OptOutRepo) -> None:
        self.repo = repo
        # User ids by platform: asked at every new member's event, so kept to plain strings.
        self._ids: dict[str, set[str]] = {}

    def is_opted_out(self, member: MemberRef) -> bool:
        ids = self._ids.get(member.platform)
        return ids is not None and member.user_id in ids

    async def refresh(self) -> bool:
        """Read the opt-outs again; True when they changed (another process's doing)."""
        ids: dict[str, set[str]] = {}
        for member in await self.repo.all():
            ids.setdefault(member.platform, set()).add(member.user_id)
        changed = ids != {p: u for p, u in self._ids.items() if u}
        self._ids = ids
        return changed

    def add(self, member: MemberRef) -> None:
        self._ids.setdefault(member.platform, set()).add(member.user_id)

    def discard(self, member: MemberRef) -> None:
        self._ids.get(member.platform, set()).discard(member.user_id)


class PrivacyService:
    def __init__(
        self, repo: OptOutRepo, clock: Clock, member_data: Sequence[MemberData] = ()
    ) -> None:
        self.repo = repo
        self.clock = clock
        # Every feature's data about members (participation, check-ins, quiz answers...);
        # the composition root fills it as features register.
        self.member_data = member_data
        self.opt_outs = OptOutList(repo)

    async def is_opted_out(self, member: MemberRef) -> bool:
        """Asked of the database: an opt-out made through another process counts."""
        return await self.repo.has(member)

    async def delete(self, member: MemberRef, opt_out: bool) -> None:
        if opt_out:
            await self.repo.add(member, self.clock.now().isoformat())
            self.opt_outs.add(member)
        for data in self.member_data:
            await data.forget(member)

    async def opt_in(self, member: MemberRef) -> bool:
        was = await self.repo.remove(member)
        self.opt_outs.discard(member)
        return was

    async def kept(self, member: MemberRef) -> list[str]:
        """What each feature keeps about the member, a line (or a few) each."""
        lines = []
        for data in self.member_data:
            line = await data.describe(member)
            if line:
                lines.append(line)
        return lines
