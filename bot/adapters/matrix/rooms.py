"""The rooms the bot is in: invites accepted from allowed users or servers (others
declined), the configured rooms joined at start, and the room state its power checks read."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from nio import AsyncClient, InviteMemberEvent, JoinResponse, RoomGetStateResponse

from bot.adapters.matrix.power import JsonDict
from bot.config import MatrixConfig

log = logging.getLogger(__name__)


class RoomKeeper:
    def __init__(self, client: AsyncClient, config: MatrixConfig) -> None:
        self.client = client
        self.config = config
        self.me = config.user_id
        self._answered_invites: set[str] = set()

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
            inviter in self.config.allowed_inviters
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
