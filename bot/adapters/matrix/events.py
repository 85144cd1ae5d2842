"""Room events turned into core calls: `!name args` messages run commands, other messages
and reactions are recorded as activity (never their text); a reaction with a letter on a
message that carried choices runs the choice's line, and its redaction withdraws it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from nio import AsyncClient, MegolmEvent

from bot.adapters.matrix.power import RoomPowers
from bot.adapters.matrix.render import Target, choice_index, strip_reply_fallback
from bot.adapters.matrix.send import MatrixSender
from bot.adapters.matrix.state import MatrixStore
from bot.core.clock import Clock
from bot.core.engine import PREFIXES, Engine
from bot.core.refs import Caller, Place

log = logging.getLogger(__name__)

PLATFORM = "matrix"


class EventHandler:
    def __init__(
        self,
        engine: Engine,
        client: AsyncClient,
        state: MatrixStore,
        clock: Clock,
        sender: MatrixSender,
        powers: RoomPowers,
        me: str,
    ) -> None:
        self.engine = engine
        self.client = client
        self.state = state
        self.clock = clock
        self.sender = sender
        self.powers = powers
        self.me = me

    async def on_event(self, room_id: str, event: Any) -> None:
        src: Mapping[str, Any] = event.source
        sender = src.get("sender")
        event_id = src.get("event_id")
        if not isinstance(sender, str) or not isinstance(event_id, str) or sender == self.me:
            return
        if isinstance(event, MegolmEvent):
            log.warning("matrix: could not decrypt %s in %s", event_id, room_id)
            return
        kind = src.get("type")
        if kind not in ("m.room.message", "m.reaction", "m.room.redaction"):
            return
        if not await self.state.first_sight(event_id, self.clock.now()):
            return
        content = src.get("content") or {}
        if kind == "m.room.message":
            await self._on_message(room_id, sender, event_id, content)
        elif kind == "m.reaction":
            await self._on_reaction(room_id, sender, event_id, content)
        else:
            redacts = src.get("redacts") or content.get("redacts")
            if isinstance(redacts, str):
                await self._on_redaction(room_id, redacts)

    async def caller(self, room_id: str, user_id: str, check_power: bool) -> Caller:
        room = self.client.rooms.get(room_id)
        name = (room.user_name(user_id) if room is not None else None) or user_id
        moderator = await self.powers.is_moderator(room_id, user_id) if check_power else False
        return Caller(user_id=user_id, display_name=name, platform_moderator=moderator)

    async def _on_message(
        self, room_id: str, sender: str, event_id: str, content: Mapping[str, Any]
    ) -> None:
        if content.get("msgtype") not in ("m.text", "m.emote", "m.image", "m.file"):
            return
        relates = content.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            return  # an edit: the original was handled
        thread_id = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        body = content.get("body")
        text = strip_reply_fallback(body) if isinstance(body, str) else ""
        if content.get("msgtype") != "m.text":
            text = ""
        stripped = text.strip()
        is_command = stripped[:1] in PREFIXES
        caller = await self.caller(room_id, sender, check_power=is_command)
        place = Place(PLATFORM, room_id, room_id, thread_id)
        replies = await self.engine.on_message(caller, place, text)
        if replies:
            await self.sender.send_replies(
                room_id,
                replies,
                Target(thread_id, event_id),
                event_id,
                caller.display_name,
                caller.user_id,
            )

    async def _on_reaction(
        self, room_id: str, sender: str, event_id: str, content: Mapping[str, Any]
    ) -> None:
        relates = content.get("m.relates_to") or {}
        target = relates.get("event_id")
        key = relates.get("key")
        if relates.get("rel_type") != "m.annotation" or not isinstance(target, str):
            return
        place = Place(PLATFORM, room_id, room_id)
        choices = await self.state.choices(target)
        index = choice_index(key) if isinstance(key, str) else None
        if choices is None or index is None or index >= len(choices.options):
            self.engine.on_reaction(await self.caller(room_id, sender, False), place)
            return
        caller = await self.caller(room_id, sender, check_power=True)
        self.engine.on_reaction(caller, place)
        await self.state.add_reaction(event_id, target, sender, index)
        replies = await self.engine.run_line(caller, place, choices.pick_line(index), prefix="!")
        await self.sender.send_replies(
            room_id, replies, addressee=caller.display_name, member=caller.user_id
        )

    async def _on_redaction(self, room_id: str, redacted: str) -> None:
        withdrawal = await self.state.remove_reaction(redacted)
        if withdrawal is None or not withdrawal.changes_pick:
            return
        choices = withdrawal.choices
        if withdrawal.now_picked is None:
            line = choices.withdraw_line()
        else:
            line = choices.pick_line(withdrawal.now_picked)
        if line is None:
            return
        caller = await self.caller(room_id, withdrawal.user_id, check_power=True)
        place = Place(PLATFORM, room_id, room_id)
        replies = await self.engine.run_line(caller, place, line, prefix="!")
        await self.sender.send_replies(
            room_id, replies, addressee=caller.display_name, member=caller.user_id
        )
