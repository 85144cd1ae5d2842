"""Who moderates a Matrix room: power levels from the room state, and room v12 creators.

From room version 12 on, the room's creators (the sender of m.room.create and the users
in its `additional_creators`) hold unlimited power and are not listed in the power-level
users map. Before v12 the creator is an ordinary user whose level is in the map, except
when a room has no m.room.power_levels at all: then the creator holds 100.

The facts come from raw state event dicts (type, sender, content) so the rules can be
tested without a homeserver; `RoomPowers` caches them per room and follows changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

JsonDict = Mapping[str, Any]
# room id -> (m.room.create event, m.room.power_levels content), either None when absent.
StateLoader = Callable[[str], Awaitable[tuple[JsonDict | None, JsonDict | None]]]

# Room versions where creators hold unlimited power (MSC4289), besides numbers >= 12.
_CREATOR_VERSIONS = frozenset({"org.matrix.hydra.11"})


def creators_are_privileged(room_version: str) -> bool:
    if room_version in _CREATOR_VERSIONS:
        return True
    return room_version.isdigit() and int(room_version) >= 12


def _as_int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return default


@dataclass(frozen=True)
class RoomAuthority:
    room_version: str
    creators: frozenset[str]
    power_levels: JsonDict | None

    @classmethod
    def from_state(cls, create: JsonDict | None, power_levels: JsonDict | None) -> RoomAuthority:
        create = create or {}
        content = create.get("content") or {}
        version = str(content.get("room_version") or "1")
        creators: set[str] = set()
        sender = create.get("sender")
        if creators_are_privileged(version):
            if isinstance(sender, str):
                creators.add(sender)
            extra = content.get("additional_creators")
            if isinstance(extra, list):
                creators.update(u for u in extra if isinstance(u, str))
        else:
            # Before v12 the creator is the content's `creator` (or, from v11, the sender).
            creator = content.get("creator") or sender
            if isinstance(creator, str):
                creators.add(creator)
        return cls(version, frozenset(creators), power_levels)

    def with_power_levels(self, content: JsonDict) -> RoomAuthority:
        return RoomAuthority(self.room_version, self.creators, content)

    def level(self, user_id: str) -> float:
        """The user's power level; infinity for a v12 creator."""
        if user_id in self.creators and creators_are_privileged(self.room_version):
            return float("inf")
        if self.power_levels is None:
            return 100 if user_id in self.creators else 0
        users = self.power_levels.get("users")
        default = _as_int(self.power_levels.get("users_default"), 0)
        if isinstance(users, Mapping) and user_id in users:
            return _as_int(users[user_id], default)
        return default

    def is_moderator(self, user_id: str, threshold: int) -> bool:
        return self.level(user_id) >= threshold


class RoomPowers:
    """Per-room authority, loaded from the room state on first use, then kept current
    from the state events the sync delivers."""

    def __init__(self, loader: StateLoader, threshold: int) -> None:
        self.loader = loader
        self.threshold = threshold
        self._rooms: dict[str, RoomAuthority] = {}

    async def authority(self, room_id: str) -> RoomAuthority:
        known = self._rooms.get(room_id)
        if known is None:
            create, power_levels = await self.loader(room_id)
            known = RoomAuthority.from_state(create, power_levels)
            self._rooms[room_id] = known
        return known

    async def is_moderator(self, room_id: str, user_id: str) -> bool:
        return (await self.authority(room_id)).is_moderator(user_id, self.threshold)

    def on_state_event(self, room_id: str, event: JsonDict) -> None:
        """Follow a state event from a sync (state block or timeline)."""
        kind = event.get("type")
        if event.get("state_key") != "":
            return
        content = event.get("content")
        if not isinstance(content, Mapping):
            return
        if kind == "m.room.create":
            old = self._rooms.get(room_id)
            fresh = RoomAuthority.from_state(event, old.power_levels if old else None)
            if old is not None:
                self._rooms[room_id] = fresh
        elif kind == "m.room.power_levels":
            old = self._rooms.get(room_id)
            if old is not None:
                self._rooms[room_id] = old.with_power_levels(content)

    def forget(self, room_id: str) -> None:
        self._rooms.pop(room_id, None)
