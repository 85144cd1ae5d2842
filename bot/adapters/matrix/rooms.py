"""The rooms the bot is in: invites accepted from allowed users or servers (others
declined), the configured rooms joined at start, the room state its power checks read,
and housekeeping: a room the bot is left alone in is left (the configured rooms
excepted), and an upgraded room (`m.room.tombstone`) is followed to its replacement,
where the group goes on under its first room's key (links.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from nio import (
    AsyncClient,
    InviteMemberEvent,
    JoinedMembersResponse,
    JoinedRoomsResponse,
    JoinResponse,
    MatrixRoom,
    RoomGetStateResponse,
)

from bot.adapters.matrix.links import RoomLines
from bot.adapters.matrix.power import JsonDict
from bot.config import MatrixConfig

log = logging.getLogger(__name__)


class RoomKeeper:
    def __init__(self, client: AsyncClient, config: MatrixConfig, lines: RoomLines) -> None:
        self.client = client
        self.config = config
        self.lines = lines
        self.me = config.user_id
        self._answered_invites: set[str] = set()
        # Replacement rooms the bot could not join yet: their invite is accepted from anyone.
        self._successors: set[str] = set()

    async def learn_joined_rooms(self) -> None:
        """Without full state (a kept sync token), the sync brings only rooms that changed:
        learn the others from /joined_rooms so posts and encryption know them."""
        resp = await self.client.joined_rooms()
        if not isinstance(resp, JoinedRoomsResponse):
            log.warning("matrix: could not list the joined rooms: %s", resp)
            return
        for room_id in resp.rooms:
            if room_id not in self.client.rooms:
                encrypted = room_id in self.client.encrypted_rooms
                self.client.rooms[room_id] = MatrixRoom(room_id, self.me, encrypted)

    async def on_tombstone(self, room_id: str, content: JsonDict) -> None:
        """Follow an upgrade: join the replacement room, move the group's place there and
        leave the old room. When the join is refused, the replacement's invite will do."""
        new = content.get("replacement_room")
        if not isinstance(new, str) or not new or new == room_id:
            return
        if await self.lines.current(await self.lines.origin(room_id)) == new:
            return  # followed already
        await self.lines.link(room_id, new)
        if new in self.client.rooms:
            joined = True
        else:
            resp = await self.client.join(new)
            joined = isinstance(resp, JoinResponse)
            if not joined:
                self._successors.add(new)
                log.warning(
                    "matrix: %s was upgraded to %s; could not join it yet: %s",
                    room_id,
                    new,
                    getattr(resp, "message", resp),
                )
        if joined:
            log.info("matrix: %s was upgraded to %s; followed it", room_id, new)
            await self.client.room_leave(room_id)

    async def leave_if_alone(self, room_id: str) -> None:
        """Leave a room where nobody else is joined or invited (not a configured room)."""
        if room_id in self.config.rooms:
            return
        resp = await self.client.joined_members(room_id)
        if not isinstance(resp, JoinedMembersResponse):
            return
        others = [m.user_id for m in resp.members if m.user_id != self.me]
        room = self.client.rooms.get(room_id)
        invited = room.invited_count if room is not None else 0
        if not others and invited == 0:
            await self.client.room_leave(room_id)
            log.info("matrix: left %s, where nobody else was", room_id)

    async def join_configured_rooms(self) -> None:
        for room in self.config.rooms:
            if room in self.client.rooms:
                continue
            resp = await self.client.join(room)
            if isinstance(resp, JoinResponse):
                log.info("matrix: joined %s", room)
            else:
                log.error("matrix: could not join %s: %s", room, getattr(resp, "message", resp))

    async def on_invite(self, room_id: str, events: Sequence[Any]) -> None:
        if room_id in self._answered_invites:
            return
        inviter = None
        for event in events:
            # nio's stripped invite events keep the membership as an attribute.
            if (
                isinstance(event, InviteMemberEvent)
                and event.state_key == self.me
                and event.membership == "invite"
            ):
                inviter = event.sender
        if not isinstance(inviter, str):
            return
        self._answered_invites.add(room_id)
        server = inviter.split(":", 1)[1] if ":" in inviter else ""
        if (
            room_id in self._successors
            or inviter in self.config.allowed_inviters
            or server in self.config.allowed_inviter_servers
            or room_id in self.config.rooms
        ):
            resp = await self.client.join(room_id)
            log.info("matrix: invited to %s by %s: joined (%s)", room_id, inviter, resp)
        else:
            await self.client.room_leave(room_id)
            log.info("matrix: declined an invite to %s from %s", room_id, inviter)

    async def load_power_state(self, room_id: str) -> tuple[JsonDict | None, JsonDict | None]:
        resp = await self.client.room_get_state(room_id)
        if not isinstance(resp, RoomGetStateResponse):
            log.warning("matrix: no room state for %s: %s", room_id, resp)
            return None, None
        create: JsonDict | None = None
        levels: JsonDict | None = None
        for event in resp.events:
            if event.get("state_key") != "":
                continue
            if event.get("type") == "m.room.create":
                create = event
            elif event.get("type") == "m.room.power_levels":
                levels = event.get("content")
        return create, levels
