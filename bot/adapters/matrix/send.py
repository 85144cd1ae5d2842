"""Sending core Replies into a Matrix room: notices, reactions, charts and files.

Rooms have no private replies: a private acknowledgement ("ack") becomes a ✅ reaction on
the member's message; any other private reply becomes a notice addressed to the member
by name (without pinging them).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import Any

from nio import (
    AsyncClient,
    MatrixRoom,
    RoomCreateResponse,
    RoomPreset,
    RoomSendResponse,
    UploadResponse,
)

from bot.adapters.matrix.direct import ENCRYPTION_STATE, mark_direct
from bot.adapters.matrix.event_size import MAX_PIECES, split_notice
from bot.adapters.matrix.poll_events import (
    POLL_END,
    POLL_START,
    poll_end_content,
    poll_start_content,
)
from bot.adapters.matrix.render import (
    ACK,
    NO_TARGET,
    Target,
    letter_emoji,
    media_content,
    notice_content,
    reaction_content,
)
from bot.adapters.matrix.state import MatrixStore
from bot.core.clock import Clock
from bot.core.outbox import PostError
from bot.core.replies import DIRECT, LETTERS, Attachment, ChoiceSet, Reply

log = logging.getLogger(__name__)


def is_group_question(reply: Reply) -> bool:
    """A group quiz's question shown to the room (not a private practice one)."""
    return "quiz-question" in reply.tags and "practice" not in reply.tags and not reply.private


class MatrixSender:
    def __init__(
        self, client: AsyncClient, state: MatrixStore, clock: Clock, quiz_polls: bool = False
    ) -> None:
        self.client = client
        self.state = state
        self.clock = clock
        # matrix.quiz_polls: a group quiz's lettered question goes out as an undisclosed
        # poll, not with reactions; its token -> (room, poll event), to end it at the reveal.
        self.quiz_polls = quiz_polls
        self.quiz_poll_events: dict[str, tuple[str, str]] = {}

    async def send_replies(
        self,
        room_id: str,
        replies: Sequence[Reply],
        target: Target = NO_TARGET,
        trigger_event_id: str | None = None,
        addressee: str | None = None,
        member: str | None = None,
    ) -> None:
        """Send replies in order. Raises PostError when the homeserver refuses one.

        `addressee` (a display name) and `member` (a user id) say who a private reply is
        for: an "ack" becomes a ✅ on `trigger_event_id`; a private chart or file goes to a
        direct room with `member` (a room would show it to everyone), with a short notice
        in the room; other private text is a notice addressed to them.
        """
        for reply in replies:
            if reply.private and "ack" in reply.tags:
                if trigger_event_id is not None:
                    await self.react(room_id, trigger_event_id, ACK)
                continue
            direct = reply.image or reply.file or DIRECT in reply.tags
            if reply.private and member is not None and direct:
                await self.send_replies(await self.direct_room(member), [reply])
                note = Reply(text="I have sent it to you in a direct message.", private=True)
                content = notice_content(note, target, addressee)
                if content is not None:
                    await self.send(room_id, "m.room.message", content)
                continue
            content = notice_content(reply, target, addressee if reply.private else None)
            if content is not None:
                event_id = await self.send_notice(room_id, content, target)
                if reply.choices is not None:
                    await self.state.save_choices(
                        event_id, room_id, reply.choices, self.clock.now()
                    )
                    if not reply.choices.closed and self.quiz_polls and is_group_question(reply):
                        await self.send_quiz_poll(room_id, reply, reply.choices, target)
                    elif not reply.choices.closed:
                        for i in range(len(reply.choices.options)):
                            await self.react(room_id, event_id, letter_emoji(i))
                    else:
                        await self.end_quiz_poll(reply.choices)
            if reply.image is not None:
                await self.send_media(room_id, reply.image, "m.image", target)
            if reply.file is not None:
                await self.send_media(room_id, reply.file, "m.file", target)

    async def send_quiz_poll(
        self, room_id: str, reply: Reply, choices: ChoiceSet, target: Target
    ) -> None:
        """The question's choices as an undisclosed poll (results hidden until the end);
        a member's response picks, and their latest response is their answer."""
        question = reply.text or reply.title or "Your answer"
        options = [f"{LETTERS[i]}) {o}" for i, o in enumerate(choices.options)]
        content = poll_start_content(question, options, undisclosed=True, target=target)
        poll_id = await self.send(room_id, POLL_START, content)
        await self.state.save_choices(poll_id, room_id, choices, self.clock.now())
        self.quiz_poll_events[choices.token] = (room_id, poll_id)

    async def end_quiz_poll(self, choices: ChoiceSet) -> None:
        sent = self.quiz_poll_events.pop(choices.token, None)
        if sent is not None:
            room_id, poll_id = sent
            text = "The question has closed."
            await self.send(room_id, POLL_END, poll_end_content(poll_id, text, {}))

    async def send_notice(self, room_id: str, content: dict[str, Any], target: Target) -> str:
        """Send a notice whole, or cut into notices that fit the event size limit, or,
        when that would take too many, as a text file; returns the last event id."""
        pieces = split_notice(content)
        if len(pieces) > MAX_PIECES:
            text = str(content.get("body", ""))
            note = Reply(text="The answer is too long for a message; here it is as a file.")
            note_content = notice_content(note, target)
            assert note_content is not None  # the note has text
            event_id = await self.send(room_id, "m.room.message", note_content)
            data = text.encode("utf-8")
            await self.send_media(
                room_id, Attachment("answer.txt", data, "text/plain"), "m.file", target
            )
            return event_id
        event_id = ""
        for piece in pieces:
            event_id = await self.send(room_id, "m.room.message", piece)
        return event_id

    async def direct_room(self, user_id: str) -> str:
        """The bot's direct room with a member: the one kept, or a new one, encrypted when
        the bot has encryption on (the member's devices get the keys with the invite, so
        they read what was sent before they accept it), flagged direct for both sides."""
        kept = await self.state.direct_room(user_id)
        room = self.client.rooms.get(kept) if kept is not None else None
        if kept is not None and room is not None:
            members = set(room.users) | set(room.invited_users)
            if not members or user_id in members:  # not yet synced, or still there
                return kept
        encrypted = self.client.olm is not None
        resp = await self.client.room_create(
            is_direct=True,
            invite=[user_id],
            preset=RoomPreset.trusted_private_chat,
            name="Kruzhok",
            initial_state=[ENCRYPTION_STATE] if encrypted else [],
        )
        if not isinstance(resp, RoomCreateResponse):
            raise PostError(f"could not open a direct room: {getattr(resp, 'message', resp)}")
        room_id = str(resp.room_id)
        # Known to nio before the next sync brings it, so messages can go at once: the
        # invited member counts as a member, so their devices get the room key.
        room = self.client.rooms.setdefault(
            room_id, MatrixRoom(room_id, self.client.user_id, encrypted)
        )
        room.add_member(user_id, None, None, invited=True)
        if encrypted:
            room.encrypted = True
            self.client.encrypted_rooms.add(room_id)
        await self.state.save_direct_room(user_id, room_id)
        await mark_direct(self.client, user_id, room_id)
        return room_id

    async def send(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        if room_id not in self.client.rooms:
            raise PostError(f"the bot is not in the Matrix room {room_id}")
        resp = await self.client.room_send(
            room_id, event_type, content, ignore_unverified_devices=True
        )
        if not isinstance(resp, RoomSendResponse):
            raise PostError(
                f"the homeserver refused a message to {room_id}: {getattr(resp, 'message', resp)}"
            )
        return str(resp.event_id)

    async def react(self, room_id: str, event_id: str, key: str) -> None:
        await self.send(room_id, "m.reaction", reaction_content(event_id, key))

    async def send_media(
        self, room_id: str, attachment: Attachment, kind: str, target: Target
    ) -> None:
        room = self.client.rooms.get(room_id)
        encrypt = bool(room is not None and room.encrypted and self.client.olm is not None)
        resp, keys = await self.client.upload(
            io.BytesIO(attachment.data),
            content_type=attachment.mime,
            filename=attachment.filename,
            encrypt=encrypt,
            filesize=len(attachment.data),
        )
        if not isinstance(resp, UploadResponse):
            raise PostError(f"the media upload failed: {getattr(resp, 'message', resp)}")
        if encrypt and keys is not None:
            file = dict(keys)
            file["url"] = resp.content_uri
            content = media_content(attachment, kind, target, file=file)
        else:
            content = media_content(attachment, kind, target, url=resp.content_uri)
        await self.send(room_id, "m.room.message", content)
