"""Room upgrades as the Matrix adapter keeps them: each room that replaced another
(`m.room.tombstone`) points to the first room of its line, whose id stays the group's key
(so the group's book, schedules, quizzes and counts carry over), and that first room
points to the line's current room (where posts go). Kept in the `settings` table."""

from __future__ import annotations

from bot.storage.settings import SettingsRepo


class SqlRoomLinks:
    settings: SettingsRepo
    user_id: str

    def _origin_key(self, room_id: str) -> str:
        return f"matrix.room_origin:{self.user_id}:{room_id}"

    def _current_key(self, origin: str) -> str:
        return f"matrix.room_current:{self.user_id}:{origin}"

    async def room_origin(self, room_id: str) -> str | None:
        """The first room of the line `room_id` belongs to; None for a room never upgraded."""
        return await self.settings.get(self._origin_key(room_id))

    async def room_current(self, origin: str) -> str | None:
        """The room that now carries the line begun by `origin`; None when never upgraded."""
        return await self.settings.get(self._current_key(origin))

    async def link_rooms(self, old: str, new: str) -> str:
        """Record that `new` replaces `old`; returns the line's first room."""
        origin = await self.room_origin(old) or old
        await self.settings.set(self._origin_key(new), origin)
        await self.settings.set(self._current_key(origin), new)
        return origin
