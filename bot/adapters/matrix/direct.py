"""Direct rooms as clients know them: the `m.direct` account data maps each member to
the rooms that are the bot's direct chats with them (Element lists such a room under
"People"), and a direct room of a bot with encryption on is encrypted from its creation."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from nio import AsyncClient

from bot.adapters.matrix.raw_api import ApiUnreachable, call

log = logging.getLogger(__name__)

MEGOLM = "m.megolm.v1.aes-sha2"
ENCRYPTION_STATE: dict[str, Any] = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": MEGOLM},
}


async def mark_direct(client: AsyncClient, member: str, room_id: str) -> None:
    """Add the room to the bot's `m.direct` for the member (kept rooms stay listed).
    A failure is logged: the room works, clients only list it among the others."""
    path = f"/user/{quote(client.user_id, safe='')}/account_data/m.direct"
    try:
        found = await call(client, "GET", path)
        direct = {
            k: [r for r in v if isinstance(r, str)]
            for k, v in (found.body if found.ok else {}).items()
            if isinstance(v, list)
        }
        rooms = direct.setdefault(member, [])
        if room_id not in rooms:
            rooms.append(room_id)
        put = await call(client, "PUT", path, direct)
    except ApiUnreachable as exc:
        log.warning("matrix: could not mark %s as direct (%s)", room_id, exc)
        return
    if not put.ok:
        log.warning("matrix: could not mark %s as direct (%s)", room_id, put.describe())
