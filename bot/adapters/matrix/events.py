"""Room events turned into core calls: `!name args` messages run commands, other messages
(text, images, files, voice, video, stickers, poll answers) and reactions are recorded as
activity (never their text); a reaction with a letter on a message that carried choices
runs the choice's line, and its redaction withdraws it; a poll answer is a vote (or, on
a quiz question asked as a poll, the member's answer).

Quiet in shared rooms: a `!word` that is none of the bot's commands (another bot's,
perhaps) is only activity, unless the message mentions the bot or the room is a direct
chat (`matrix.reply_to_unknown`). Replies are queued (outgoing.py), each linked to the
event it answers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from nio import AsyncClient, MatrixRoom, MegolmEvent, RoomGetStateEventResponse

from bot.adapters.matrix.links import RoomLines
from bot.adapters.matrix.outgoing import ReplyQueue
from bot.adapters.matrix.poll_events import indexes, response_of
from bot.adapters.matrix.power import RoomPowers
from bot.adapters.matrix.render import Target, choice_index, strip_reply_fallback
from bot.adapters.matrix.send import MatrixSender
from bot.adapters.matrix.state import MatrixStore
from bot.config import MatrixConfig
from bot.core.clock import Clock
from bot.core.engine import PREFIXES, Engine
from bot.core.refs import Caller, Place
from bot.core.replies import Reply
from bot.core.threads import Vote, VoteMode

log = logging.getLogger(__name__)

PLATFORM = "matrix"
MESSAGE_TYPES = frozenset({"m.text", "m.emote", "m.image", "m.file", "m.audio", "m.video"})
# Events other than m.room.message that count as taking part, like a message.
PARTICIPATION_EVENTS = frozenset(
    {"m.sticker", "m.poll.response", "org.matrix.msc3381.poll.response"}
)
HANDLED_EVENTS = frozenset({"m.room.message", "m.reaction", "m.room.redaction"})


class EventHandler:
    def __init__(
        self,
        engine: Engine,
        client: AsyncClient,
        state: MatrixStore,
        clock: Clock,
        sender: MatrixSender,
        powers: RoomPowers,
        config: MatrixConfig,
        outgoing: ReplyQueue,
        lines: RoomLines,
    ) -> None:
        self.engine = engine
        self.client = client
        self.state = state
        self.clock = clock
        self.sender = sender
        self.powers = powers
        self.config = config
        self.me = config.user_id
        self.outgoing = outgoing
        self.lines = lines

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
        if kind not in HANDLED_EVENTS and kind not in PARTICIPATION_EVENTS:
            return
        if not await self.state.first_sight(event_id, self.clock.now()):
            return
        content = src.get("content") or {}
        if kind == "m.room.message":
            await self._on_message(room_id, sender, event_id, content)
        elif kind in PARTICIPATION_EVENTS:
            await self._on_participation(room_id, sender, content, str(kind))
        elif kind == "m.reaction":
            await self._on_reaction(room_id, sender, event_id, content)
        else:
            redacts = src.get("redacts") or content.get("redacts")
            if isinstance(redacts, str):
                await self._on_redaction(room_id, redacts)

    async def _place(self, room_id: str, thread_id: str | None = None) -> Place:
        """The place of an event: keyed by the first room of an upgraded room's line."""
        key = await self.lines.origin(room_id)
        return Place(PLATFORM, key, key, thread_id)

    async def caller(self, room_id: str, user_id: str, check_power: bool) -> Caller:
        room = self.client.rooms.get(room_id)
        if room is not None and user_id not in room.users:
            await self._learn_member(room, user_id)
        name = (room.user_name(user_id) if room is not None else None) or user_id
        moderator = await self.powers.is_moderator(room_id, user_id) if check_power else False
        return Caller(user_id=user_id, display_name=name, platform_moderator=moderator)

    async def _learn_member(self, room: MatrixRoom, user_id: str) -> None:
        """Members come lazily and a restart forgets them: ask for one unknown member's
        event once, for their display name."""
        resp = await self.client.room_get_state_event(room.room_id, "m.room.member", user_id)
        if isinstance(resp, RoomGetStateEventResponse):
            name = resp.content.get("displayname")
            room.add_member(user_id, name if isinstance(name, str) else None, None)

    async def _on_message(
        self, room_id: str, sender: str, event_id: str, content: Mapping[str, Any]
    ) -> None:
        if content.get("msgtype") not in MESSAGE_TYPES:
            return
        relates = content.get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            return  # an edit: the original was handled
        thread_id = _thread_of(content)
        body = content.get("body")
        text = strip_reply_fallback(body) if isinstance(body, str) else ""
        if content.get("msgtype") != "m.text":
            text = ""
        if looks_like_command(text) and not await self._answers(room_id, text, content):
            text = ""  # another bot's command: only a message here
        caller = await self.caller(room_id, sender, check_power=looks_like_command(text))
        place = await self._place(room_id, thread_id)
        replies = await self.engine.on_message(caller, place, text)
        if replies:
            self.outgoing.put(
                partial(
                    self.sender.send_replies,
                    room_id,
                    replies,
                    Target(thread_id, event_id),
                    event_id,
                    caller.display_name,
                    caller.user_id,
                )
            )

    async def _on_participation(
        self, room_id: str, sender: str, content: Mapping[str, Any], kind: str = ""
    ) -> None:
        """A sticker or a poll answer: taking part, recorded like a message; a poll answer
        is also a vote (polls.py)."""
        place = await self._place(room_id, _thread_of(content))
        await self.engine.on_message(await self.caller(room_id, sender, False), place, "")
        if (found := response_of(kind, content)) is not None:
            await self._on_poll_response(room_id, sender, *found)

    async def _on_poll_response(
        self, room_id: str, sender: str, poll_id: str, answers: list[str]
    ) -> None:
        """A quiz poll's response is the member's answer (their latest counts); any other
        goes to the features as a vote replacing the member's earlier one."""
        place = await self._place(room_id)
        choices = await self.state.choices(poll_id)
        if choices is not None:
            chosen = indexes(answers, len(choices.options))
            line = choices.pick_line(chosen[0]) if chosen else choices.withdraw_line()
            if line is None:
                return
            caller = await self.caller(room_id, sender, check_power=True)
            replies = await self.engine.run_line(caller, place, line, prefix="!")
            self._queue(room_id, replies, poll_id, caller)
            return
        caller = await self.caller(room_id, sender, check_power=False)
        options = tuple(int(a) - 1 for a in answers if a.isdigit() and int(a) >= 1)
        if len(options) != len(answers):
            options = ()  # an unknown answer id spoils the vote
        await self.engine.threads.vote(
            Vote(place, caller, poll_id, options, VoteMode.REPLACE, self.clock.now())
        )

    async def _answers(self, room_id: str, text: str, content: Mapping[str, Any]) -> bool:
        """Whether a command-like line gets an answer: always for the bot's own commands;
        for any other word as `reply_to_unknown` says."""
        word = text.strip()[1:].split(maxsplit=1)[0].lower()
        if word in {c.name.split()[0] for c in self.engine.table}:
            return True
        policy = self.config.reply_to_unknown
        if policy != "mentioned":
            return policy == "always"
        if await self._is_direct_chat(room_id):
            return True
        return self._mentions_me(content)

    async def _is_direct_chat(self, room_id: str) -> bool:
        """Two members at most (joined or invited). With lazy-loaded members and no room
        summary in this session, the members are asked for once, so a big room whose
        members are not known yet is not taken for a direct chat."""
        room = self.client.rooms.get(room_id)
        if room is None:
            return False
        summary = room.summary
        counted = summary is not None and summary.joined_member_count is not None
        if not counted and not room.members_synced:
            await self.client.joined_members(room_id)
        return bool(room.member_count <= 2)

    def _mentions_me(self, content: Mapping[str, Any]) -> bool:
        mentions = content.get("m.mentions")
        if isinstance(mentions, Mapping):
            users = mentions.get("user_ids")
            if isinstance(users, list) and self.me in users:
                return True
        html = content.get("formatted_body")
        body = content.get("body")
        return any(isinstance(t, str) and self.me in t for t in (body, html))

    async def _on_reaction(
        self, room_id: str, sender: str, event_id: str, content: Mapping[str, Any]
    ) -> None:
        relates = content.get("m.relates_to") or {}
        target = relates.get("event_id")
        key = relates.get("key")
        if relates.get("rel_type") != "m.annotation" or not isinstance(target, str):
            return
        place = await self._place(room_id)
        choices = await self.state.choices(target)
        index = choice_index(key) if isinstance(key, str) else None
        if choices is None or index is None or index >= len(choices.options):
            self.engine.on_reaction(await self.caller(room_id, sender, False), place)
            return
        caller = await self.caller(room_id, sender, check_power=True)
        self.engine.on_reaction(caller, place)
        if self.engine.may_keep(place.member(caller)):  # an opted-out member's is not kept
            await self.state.add_reaction(event_id, target, sender, index)
        replies = await self.engine.run_line(caller, place, choices.pick_line(index), prefix="!")
        self._queue(room_id, replies, target, caller)

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
        place = await self._place(room_id)
        replies = await self.engine.run_line(caller, place, line, prefix="!")
        self._queue(room_id, replies, withdrawal.target_id, caller)

    def _queue(self, room_id: str, replies: list[Reply], answered: str, caller: Caller) -> None:
        """Queue the replies to a pick or a withdrawal, linked to the choice message."""
        self.outgoing.put(
            partial(
                self.sender.send_replies,
                room_id,
                replies,
                Target(None, answered),
                addressee=caller.display_name,
                member=caller.user_id,
            )
        )


def looks_like_command(text: str) -> bool:
    """The engine's rule: a prefix, then a word right after it."""
    stripped = text.strip()
    return stripped[:1] in PREFIXES and len(stripped) > 1 and not stripped[1:2].isspace()


def _thread_of(content: Mapping[str, Any]) -> str | None:
    relates = content.get("m.relates_to") or {}
    thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
    return thread if isinstance(thread, str) else None
