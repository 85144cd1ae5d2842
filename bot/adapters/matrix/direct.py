"""Direct rooms as clients know them: the `m.direct` account data maps each member to
the rooms that are the bot's direct chats with them (Element lists such a room under
"People"), and a direct room of a bot with encryption on is encrypted from its creation."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from nio import AsyncClient

log = logging.getLogger(__name__)

MEGOLM = "m.megolm.v1.aes-sha2"
ENCRYPTION_STATE: dict[str, Any] = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": MEGOLM},
}


def _path(user_id: str) -> str:
    return f"/_matrix/client/v3/user/{quote(user_id, safe='')}/account_data/m.direct"


async def mark_direct(client: AsyncClient, member: str, room_id: str) -> None:
    """Add the room to the bot's `m.direct` for the member (kept rooms stay listed).
    A failure is logged: the room works, clients only list it among the others."""
    headers = {"Authorization": f"Bearer {client.access_token}"}
    path = _path(client.user_id)
    direct: dict[str, list[str]] = {}
    resp = await client.send("GET", path, headers=headers)
    if resp.status == 200:
        found = await resp.json()
        if isinstance(found, dict):
            direct = {
                k: [r for r in v if isinstance(r, str)]
                for k, v in found.items()
                if isinstance(v, list)
            }
    rooms = direct.setdefault(member, [])
    if room_id not in rooms:
        rooms.append(room_id)
    put = await client.send("PUT", path, json.dumps(direct), headers=headers)
    if put.status != 200:
        log.warning("matrix: could not mark %s as direct (HTTP %s)", room_id, put.status)
