"""Members decide what is kept about them: show it, delete it, opt out, opt in.

An opt-out takes effect at once: it is written first, then the in-memory list the
participation recorder checks at its door is updated, then every feature's data about the
member is deleted (`MemberData.forget`). Participation's forget drops what the recorder's
buffer holds and deletes the rows under the recorder's lock, so a batch already taken
cannot land after the deletion. Another process learns of the opt-out at its next write:
the recorder reads the opt-outs again inside each write's transaction and leaves the
member's events out.

The engine asks this list (as the core's `OptOuts`) before any member data is kept: an
opted-out member's events are not counted and their commands that would keep data (a
quiz answer, a practice game, a check-in) are refused with a private note. After a
deletion the database's write-ahead log is checkpointed, so the deleted values leave the
files on disk too.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.clock import Clock
from bot.core.member_data import MemberData
from bot.core.refs import MemberRef
from bot.features.privacy.repo import OptOutRepo, digest


class OptOutList:
    """Who opted out (their digests), in memory for every event; `refresh()` reads the
    database again (the recorder calls it in each write's transaction)."""

    def __init__(self, repo: OptOutRepo) -> None:
        self.repo = repo
        self._digests: set[str] = set()
        # Members met since the last refresh, by digest (an event each: hashed once).
        self._known: dict[MemberRef, str] = {}

    def _digest(self, member: MemberRef) -> str:
        found = self._known.get(member)
        if found is None:
            if len(self._known) > 10_000:
                self._known.clear()
            found = self._known[member] = digest(member)
        return found

    def is_opted_out(self, member: MemberRef) -> bool:
        return bool(self._digests) and self._digest(member) in self._digests

    async def has_opted_out(self, member: MemberRef) -> bool:
        """Asked of the database: an opt-out made through another process counts (and is
        remembered here from then on)."""
        found = await self.repo.has(member)
        if found:
            self._digests.add(self._digest(member))
        return found

    async def refresh(self) -> bool:
        """Read the opt-outs again; True when they changed (another process's doing)."""
        digests = await self.repo.all()
        changed = digests != self._digests
        self._digests = digests
        return changed

    def add(self, member: MemberRef) -> None:
        self._digests.add(self._digest(member))

    def discard(self, member: MemberRef) -> None:
        self._digests.discard(self._digest(member))


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
        # What was deleted also leaves the write-ahead log (SQLite keeps it there until a
        # checkpoint): nothing of the member stays in the database's files.
        await self.repo.db.checkpoint()

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
