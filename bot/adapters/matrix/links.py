"""Where a group lives after its room was upgraded: the group keeps the id of its first
room as its key (places are built from it), while messages go to the current room of the
line. Cached in memory over the adapter's store."""

from __future__ import annotations

from bot.adapters.matrix.state import MatrixStore


class RoomLines:
    def __init__(self, state: MatrixStore) -> None:
        self.state = state
        self._origin: dict[str, str] = {}
        self._current: dict[str, str] = {}

    async def origin(self, room_id: str) -> str:
        """The group key of a room: the first room of its line (itself when not upgraded)."""
        known = self._origin.get(room_id)
        if known is None:
            known = await self.state.room_origin(room_id) or room_id
            self._origin[room_id] = known
        return known

    async def current(self, room_id: str) -> str:
        """Where a message for a group's room goes: the line's current room."""
        known = self._current.get(room_id)
        if known is None:
            known = await self.state.room_current(room_id) or room_id
            self._current[room_id] = known
        return known

    async def link(self, old: str, new: str) -> None:
        origin = await self.state.link_rooms(old, new)
        self._origin[new] = origin
        self._current[origin] = new
        self._current[old] = new
